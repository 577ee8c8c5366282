package io.dsdagent.agent.transport;

import io.dsdagent.agent.log.Log;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.EnumSet;

/**
 * Puts junixsocket's two nested jars on disk once per content, not once per JVM: a killed JVM runs no
 * {@code deleteOnExit}, so a fresh directory per start left 3.4 MB in the temporary directory every
 * time. The directory is {@code dsd-agent-junixsocket-<user>-<hash of the jars>} in {@code java.io.tmpdir}.
 *
 * <p>What must hold: a JVM uses the directory only when it is complete and its own. It is written as a
 * private temporary directory and renamed into place in one step ({@code rename(2)} is atomic and does
 * not replace a non-empty directory), so two JVMs starting at once never see half a jar: the loser of
 * the rename deletes its copy and uses the winner's. A directory of another owner, or one others may
 * write to, is never used (the name is predictable; someone else could plant jars there): then a private
 * directory of this JVM's own is used and deleted on exit, as before. Other {@code dsd-agent-junixsocket*}
 * entries of this user (older contents, copies of killed JVMs, half-written ones) not touched for
 * {@value #STALE_MILLIS} ms are removed; a JVM that already opened its jars keeps reading them.
 * junixsocket deletes the native library it extracts itself, right after loading it.
 */
final class JunixsocketJars {
    static final String PREFIX = "dsd-agent-junixsocket";
    static final long STALE_MILLIS = 60_000;
    private static final EnumSet<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private JunixsocketJars() {
    }

    private static boolean complete(Path dir, String[] jars) {
        for (String jar : jars) {
            if (!Files.isRegularFile(dir.resolve(jar), LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        return true;
    }

    /** The directory in {@code java.io.tmpdir} holding {@code jars} (resources under {@code resources}). */
    static File directory(String resources, String[] jars) throws IOException {
        return directory(Paths.get(System.getProperty("java.io.tmpdir")), resources, jars);
    }

    /** The directory in {@code tmp} holding {@code jars}, extracted there if no complete copy is. */
    static File directory(Path tmp, String resources, String[] jars) throws IOException {
        String mine = PREFIX + "-" + safe(System.getProperty("user.name", "user")) + "-" + hash(resources, jars);
        Path dir = tmp.resolve(mine);
        removeStale(tmp, mine);
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !complete(dir, jars) && ownedAndPrivate(dir)) {
            deleteTree(dir); // a tmp cleaner removed files before their directory: extract again
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path part = Files.createTempDirectory(tmp, mine + ".part"); // owner-only on POSIX
            try {
                write(resources, jars, part);
                Files.move(part, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another JVM renamed its copy into place first (or renaming failed: see below)
            } finally {
                deleteTree(part);
            }
        }
        if (ownedAndPrivate(dir)) {
            return dir.toFile();
        }
        Log.warn(dir + " is missing or not this user's private directory; junixsocket is extracted for this JVM only");
        Path own = Files.createTempDirectory(tmp, PREFIX);
        write(resources, jars, own);
        for (String jar : jars) {
            own.resolve(jar).toFile().deleteOnExit();
        }
        own.toFile().deleteOnExit(); // runs after the files' own deleteOnExit (reverse order of registration)
        return own.toFile();
    }

    private static void write(String resources, String[] jars, Path dir) throws IOException {
        byte[] buf = new byte[65536];
        for (String jar : jars) {
            try (InputStream in = open(resources + jar); OutputStream out = Files.newOutputStream(dir.resolve(jar))) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            }
        }
    }

    /** First 16 hex digits of the SHA-256 of the jars, in order: a new junixsocket gets a new directory. */
    static String hash(String resources, String[] jars) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (String jar : jars) {
                try (InputStream in = open(resources + jar)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                    }
                }
            }
            StringBuilder sb = new StringBuilder(16);
            byte[] d = sha.digest();
            for (int i = 0; i < 8; i++) {
                sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = JunixsocketJars.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("the agent jar has no " + resource);
        }
        return in;
    }

    /** This user's other entries that nobody touched for a while; failures are left for the next start. */
    private static void removeStale(Path tmp, String mine) {
        File[] all = tmp.toFile().listFiles();
        long now = System.currentTimeMillis();
        for (File f : all == null ? new File[0] : all) {
            try {
                Path p = f.toPath();
                if (f.getName().startsWith(PREFIX) && !f.getName().equals(mine)
                        && now - f.lastModified() > STALE_MILLIS && ownedAndPrivate(p)) {
                    deleteTree(p);
                }
            } catch (Exception ignored) {
                // another JVM removed it first, or it is not ours
            }
        }
    }

    private static boolean ownedAndPrivate(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !ownedByMe(dir)) {
            return false;
        }
        try {
            return Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY);
        } catch (UnsupportedOperationException notPosix) {
            return true;
        }
    }

    /**
     * By user id where the platform has one ({@code /proc/self} belongs to this process's user; in a
     * container with an unnamed uid, {@code user.name} is {@code ?}), else by the owner's name.
     */
    private static boolean ownedByMe(Path p) throws IOException {
        try {
            Object me = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
            return me.equals(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException noUid) {
            return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
        }
    }

    /** Deletes a directory of plain files (what this class writes), or a file; quietly. */
    private static void deleteTree(Path p) {
        File[] children = p.toFile().listFiles();
        for (File c : children == null ? new File[0] : children) {
            c.delete();
        }
        p.toFile().delete();
    }

    private static String safe(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return sb.toString();
    }
}
