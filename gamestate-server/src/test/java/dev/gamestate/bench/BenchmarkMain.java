package dev.gamestate.bench;

/**
 * Runs the JMH benchmarks of this package: the arguments are JMH's own, e.g. {@code FanOut -f 1 -wi 3
 * -i 5 -prof gc}. See docs/benchmarks.md for the command line and the recorded results.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    /** Hands {@code args} to JMH's command line runner. */
    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args);
    }
}
