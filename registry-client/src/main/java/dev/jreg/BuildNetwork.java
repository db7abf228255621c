package dev.jreg;

/**
 * The network a build's {@code RUN} commands reach, as {@code docker build --network} names it.
 */
public enum BuildNetwork {
    /** The host's network, as {@code docker build} gives {@code RUN} by default. */
    DEFAULT,
    /** No network: only a loopback interface. */
    NONE
}
