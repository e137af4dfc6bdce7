package org.bootproxy.spi.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way bootproxy writes files: a temp file in the target's directory, written, fsynced,
 * then renamed over the target (and the directory fsynced), so a reader sees the old content or
 * the new, never a part. These methods take paths and are for bootproxy's own files (state,
 * certificates); a file under a served root is written with {@link ServedRoot#write} and its
 * siblings, which do the same relative to directories opened without following links.
 *
 * <p>Stateless and thread-safe. Two writers of the same target race benignly: the last rename wins.
 */
public final class AtomicFiles {

    /** Prefix of temp files, so an operator recognizes leftovers of a crash. */
    public static final String TEMP_PREFIX = ".bootproxy-tmp-";

    private AtomicFiles() {
    }

    /** Writes the bytes a writer produces to a temp file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Replaces {@code target} with {@code data} atomically, creating missing parent directories. */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, out -> out.write(data));
    }

    /**
     * Replaces {@code target} with {@code data} atomically; the file has exactly {@code permissions}
     * from the moment it is created (a private key is never readable by others, not even as a temp
     * file). Needs a POSIX file system.
     */
    public static void write(Path target, byte[] data, Set<PosixFilePermission> permissions) throws IOException {
        write(target, out -> out.write(data), permissions);
    }

    /** Replaces {@code target} atomically with what {@code writer} writes; on failure the target is untouched. */
    public static void write(Path target, Writer writer) throws IOException {
        write(target, writer, null);
    }

    private static void write(Path target, Writer writer, Set<PosixFilePermission> permissions) throws IOException {
        Path temp = newTempFile(target, permissions);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            commit(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path newTempFile(Path target, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        for (int i = 0; ; i++) {
            Path temp = dir.resolve(TEMP_PREFIX + target.getFileName() + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            try {
                if (permissions == null) {
                    return Files.createFile(temp);
                }
                Path created = Files.createFile(temp, PosixFilePermissions.asFileAttribute(permissions));
                // the umask may have removed bits the caller asked for
                Files.setPosixFilePermissions(created, permissions);
                return created;
            } catch (FileAlreadyExistsException e) {
                if (i > 8) {
                    throw e;
                }
            }
        }
    }

    /**
     * Fsyncs {@code temp} and renames it over {@code target}, then fsyncs the directory. The temp
     * file must be in the target's directory.
     */
    private static void commit(Path temp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " over " + target + " atomically", e);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Deletes a file if it exists and fsyncs its directory.
     *
     * @return whether a file was deleted
     */
    public static boolean delete(Path target) throws IOException {
        boolean deleted = Files.deleteIfExists(target);
        if (deleted) {
            fsyncDirectory(target.toAbsolutePath().getParent());
        }
        return deleted;
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or sync a directory; the rename itself is atomic.
        }
    }
}
