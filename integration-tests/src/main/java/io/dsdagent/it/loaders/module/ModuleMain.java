package io.dsdagent.it.loaders.module;

import io.dsdagent.annotation.Timed;

/**
 * The main class of a JBoss module ({@code LoaderFrameworksTest} packs it with a module.xml):
 * {@code ModuleMain <calls>} calls a {@code @Timed} method that many times and prints what it returned.
 * The module depends on nothing: the annotation is read from the class file, never loaded.
 */
public final class ModuleMain {
    private ModuleMain() {
    }

    @Timed(value = "loaders.module", tags = {"framework:jboss-modules"})
    static int square(int i) {
        return i * i;
    }

    public static void main(String[] args) {
        int calls = Integer.parseInt(args[0]);
        long sum = 0;
        for (int i = 1; i <= calls; i++) {
            sum += square(i);
        }
        System.out.println("module " + ModuleMain.class.getClassLoader().getClass().getName() + " sum " + sum);
    }
}
