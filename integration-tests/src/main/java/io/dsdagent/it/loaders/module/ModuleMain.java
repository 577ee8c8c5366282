package io.dsdagent.it.loaders.module;

import io.dsdagent.annotation.Timed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The main class of a JBoss module ({@code LoaderFrameworksTest} packs it with a module.xml):
 * {@code ModuleMain <calls> [wait]} calls a {@code @Timed} method that many times and prints what it
 * returned; with {@code wait}, it first prints {@code ready} and waits for a line on stdin (the test
 * attaches the agent meanwhile). The module depends on nothing: the annotation is read from the class
 * file, never loaded.
 */
public final class ModuleMain {
    private ModuleMain() {
    }

    @Timed(value = "loaders.module", tags = {"framework:jboss-modules"})
    static int square(int i) {
        return i * i;
    }

    public static void main(String[] args) throws IOException {
        int calls = Integer.parseInt(args[0]);
        if (args.length > 1 && args[1].equals("wait")) {
            System.out.println("ready");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        long sum = 0;
        for (int i = 1; i <= calls; i++) {
            sum += square(i);
        }
        System.out.println("module " + ModuleMain.class.getClassLoader().getClass().getName() + " sum " + sum);
    }
}
