package io.dsdagent.bench.hello;

/**
 * The hello-world of {@code ./bench.sh hello}: a {@code main} that prints one line and returns, so a
 * launch measures what an agent adds to the JVM's own start and exit (premain, the agent thread's
 * set-up, the exit flush) and nothing else. It refers to no class of the agent or of any library.
 */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
