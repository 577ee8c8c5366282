package io.dsdagent.agent.aggregate;

/** A small non-allocating random source for the aggregator thread (xorshift64*). Not thread-safe. */
final class Xorshift {
    private long state;

    Xorshift(long seed) {
        state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    long next() {
        long x = state;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        state = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    /** Uniform in {@code [0, bound)}. */
    long nextLong(long bound) {
        long r = next() >>> 1;
        long m = bound - 1;
        if ((bound & m) == 0) {
            return r & m;
        }
        long u = r;
        while (u - (r = u % bound) + m < 0) {
            u = next() >>> 1;
        }
        return r;
    }
}
