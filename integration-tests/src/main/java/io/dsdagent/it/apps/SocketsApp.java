package io.dsdagent.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Opens and closes real sockets on command, one command per stdin line: {@code open tcp4|tcp6|udp4|udp6 N}
 * binds N sockets of that family on loopback (TCP ones listening), {@code close} closes them all,
 * {@code threads N} starts N threads that wait until {@code close}, {@code gc N} runs {@code System.gc()} N
 * times, {@code exit} ends. Prints {@code ok <command>} after each.
 */
public final class SocketsApp {
    public static void main(String[] args) throws Exception {
        List<AbstractInterruptibleChannel> open = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch[] release = {new CountDownLatch(1)};
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            switch (w[0]) {
                case "open":
                    int n = Integer.parseInt(w[2]);
                    for (int i = 0; i < n; i++) {
                        open.add(open(w[1]));
                    }
                    break;
                case "threads":
                    int count = Integer.parseInt(w[1]);
                    CountDownLatch started = new CountDownLatch(count);
                    CountDownLatch wait = release[0];
                    for (int i = 0; i < count; i++) {
                        Thread t = new Thread(() -> {
                            started.countDown();
                            try {
                                wait.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }, "waiting-" + threads.size());
                        threads.add(t);
                        t.start();
                    }
                    started.await();
                    break;
                case "gc":
                    for (int i = 0; i < Integer.parseInt(w[1]); i++) {
                        System.gc();
                    }
                    break;
                case "close":
                    for (AbstractInterruptibleChannel c : open) {
                        c.close();
                    }
                    open.clear();
                    release[0].countDown();
                    for (Thread t : threads) {
                        t.join();
                    }
                    threads.clear();
                    release[0] = new CountDownLatch(1);
                    break;
                case "exit":
                    System.out.println("ok exit");
                    return;
                default:
                    throw new IllegalArgumentException(line);
            }
            System.out.println("ok " + line.trim());
        }
    }

    private static AbstractInterruptibleChannel open(String kind) throws Exception {
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        switch (kind) {
            case "tcp4":
                return ServerSocketChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(v4, 0));
            case "tcp6":
                return ServerSocketChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress(v6, 0));
            case "udp4":
                return DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(v4, 0));
            case "udp6":
                return DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress(v6, 0));
            default:
                throw new IllegalArgumentException(kind);
        }
    }
}
