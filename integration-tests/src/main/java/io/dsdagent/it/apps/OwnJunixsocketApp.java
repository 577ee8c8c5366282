package io.dsdagent.it.apps;

import io.dsdagent.api.Counter;
import io.dsdagent.api.DsdMetrics;

import java.io.File;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * An application that uses its own junixsocket (on its class path; reached by reflection so this module
 * does not compile against it) while the agent sends over its isolated copy: sends {@code args[1]}
 * datagrams to itself on a socket at {@code args[0]}, counts them received, and counts as many calls
 * through the API. Prints which loader its junixsocket came from and what it received.
 */
public final class OwnJunixsocketApp {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[1]);
        Class<?> channelClass = Class.forName("org.newsclub.net.unix.AFUNIXDatagramChannel");
        Class<?> addressClass = Class.forName("org.newsclub.net.unix.AFUNIXSocketAddress");
        SocketAddress address = (SocketAddress) addressClass.getMethod("of", File.class).invoke(null, new File(args[0]));
        Counter calls = DsdMetrics.counter("app.calls", "kind:test");
        int received = 0;
        try (DatagramChannel rx = (DatagramChannel) channelClass.getMethod("open").invoke(null);
             DatagramChannel tx = (DatagramChannel) channelClass.getMethod("open").invoke(null)) {
            rx.bind(address);
            ByteBuffer in = ByteBuffer.allocate(64);
            for (int i = 0; i < n; i++) {
                tx.send(ByteBuffer.wrap(("m" + i).getBytes(StandardCharsets.UTF_8)), address);
                in.clear();
                rx.receive(in); // already queued: a local datagram is queued by the send itself
                if (new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).equals("m" + i)) {
                    received++;
                }
                calls.increment();
            }
        }
        new File(args[0]).delete();
        System.out.println("junixsocket loader " + (channelClass.getClassLoader() == ClassLoader.getSystemClassLoader()
                ? "system" : String.valueOf(channelClass.getClassLoader())));
        System.out.println("received " + received);
    }
}
