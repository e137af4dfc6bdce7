package org.bootproxy.spi.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The write side of {@link ServedRoot}: every create, replace and delete under a served root is
 * done relative to a directory opened without following links ({@code openat}/{@code renameat}/
 * {@code unlinkat} through {@link SecureDirectoryStream}), so swapping a directory for a symlink
 * at any moment cannot make a write, a rename or a delete land outside the root.
 *
 * <p>A missing directory cannot be created relative to a descriptor in Java (the JDK offers no
 * {@code mkdirat}); it is created as a temp directory directly in the root (whose real path was
 * resolved when the {@link ServedRoot} was made, and whose last component {@code mkdir} never
 * follows), then renamed into the opened parent with {@code renameat}. Directory creation is
 * serialized inside the process, so two writers never replace each other's fresh directory.
 * Only when that rename crosses a mount point inside the root is the directory created by path
 * (then re-opened without following links and checked): a race there can create an empty
 * directory elsewhere, but never write a file through it.
 *
 * <p>Temp files ({@link AtomicFiles#TEMP_PREFIX}) are removed relative to the same opened
 * directory on every failure path. Thread-safe.
 */
final class RootWriter {

    /** Serializes directory creation in this process (see the class comment). */
    private static final Object MKDIR_LOCK = new Object();

    private final Path root;

    RootWriter(Path root) {
        this.root = root;
    }

    /** Directories opened from the root down, without following links; closing closes them all. */
    final class OpenDir implements AutoCloseable {
        private final List<SecureDirectoryStream<Path>> chain;
        /** The path below the root, for messages ({@code ""} for the root). */
        private final String relative;

        private OpenDir(List<SecureDirectoryStream<Path>> chain, String relative) {
            this.chain = chain;
            this.relative = relative;
        }

        SecureDirectoryStream<Path> dir() {
            return chain.get(chain.size() - 1);
        }

        SecureDirectoryStream<Path> rootDir() {
            return chain.get(0);
        }

        /** The entry's attributes, not following a link; null when absent. */
        BasicFileAttributes attributes(Path name) throws IOException {
            try {
                return dir().getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        String child(String name) {
            return relative.isEmpty() ? name : relative + "/" + name;
        }

        /** Fsyncs the directory so a rename or unlink in it is durable. */
        void fsync() {
            try (SeekableByteChannel ch = dir().newByteChannel(Path.of("."), Set.of(StandardOpenOption.READ))) {
                if (ch instanceof FileChannel fc) {
                    fc.force(true);
                }
            } catch (IOException | UnsupportedOperationException e) {
                // Some file systems refuse to sync a directory; the rename itself is atomic.
            }
        }

        @Override
        public void close() {
            for (int i = chain.size() - 1; i >= 0; i--) {
                try {
                    chain.get(i).close();
                } catch (IOException ignored) {
                    // closing a directory descriptor
                }
            }
        }
    }

    /**
     * Opens the first {@code count} segments as directories, from the root down.
     *
     * @param create whether missing directories are created
     * @throws PathRefusedException SYMLINK for a link on the way (or one swapped in while
     *     opening), INVALID for a file where a directory must be, NOT_FOUND for a missing
     *     directory when {@code create} is false
     */
    OpenDir open(List<String> segments, int count, boolean create, String requestPath)
            throws PathRefusedException, IOException {
        DirectoryStream<Path> top = Files.newDirectoryStream(root);
        if (!(top instanceof SecureDirectoryStream<Path> secureTop)) {
            top.close();
            throw new IOException("the file system of " + root + " offers no SecureDirectoryStream (openat):"
                    + " bootproxy cannot write under it safely");
        }
        List<SecureDirectoryStream<Path>> chain = new ArrayList<>();
        chain.add(secureTop);
        OpenDir opened = new OpenDir(chain, "");
        try {
            StringBuilder rel = new StringBuilder();
            for (int i = 0; i < count; i++) {
                String segment = segments.get(i);
                rel.append(i == 0 ? "" : "/").append(segment);
                chain.add(openChild(secureTop, chain.get(chain.size() - 1), ServedRoot.fileName(root, segment,
                        requestPath), rel.toString(), create, requestPath));
            }
            return new OpenDir(chain, rel.toString());
        } catch (PathRefusedException | IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private SecureDirectoryStream<Path> openChild(SecureDirectoryStream<Path> rootDir, SecureDirectoryStream<Path> dir,
            Path name, String relative, boolean create, String requestPath) throws PathRefusedException, IOException {
        // A few rounds: a concurrent writer (or the operator) may create or replace the entry
        // between the look and the open; each round decides on what the open itself found.
        for (int round = 0; round < 4; round++) {
            BasicFileAttributes attrs;
            try {
                attrs = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (NoSuchFileException e) {
                if (!create) {
                    throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath,
                            relative + " not found");
                }
                makeDirectory(rootDir, dir, name, relative);
                continue;
            }
            if (attrs.isSymbolicLink()) {
                throw new PathRefusedException(PathRefusedException.Reason.SYMLINK, requestPath,
                        "symbolic link in path at " + relative);
            }
            if (!attrs.isDirectory()) {
                throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath,
                        relative + " is a file, not a directory");
            }
            try {
                // openat(O_NOFOLLOW) + fdopendir: a link swapped in after the look is ELOOP, a
                // file is ENOTDIR; neither is ever followed.
                return dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                // removed after the look: look again
            } catch (AccessDeniedException e) {
                throw e; // the operator's permissions, not the client's path
            } catch (IOException e) {
                throw new PathRefusedException(PathRefusedException.Reason.SYMLINK, requestPath,
                        "path changed while opening " + relative);
            }
        }
        throw new PathRefusedException(PathRefusedException.Reason.SYMLINK, requestPath,
                "path kept changing while opening " + relative);
    }

    /** Creates directory {@code name} in {@code dir}; see the class comment for how. */
    private void makeDirectory(SecureDirectoryStream<Path> rootDir, SecureDirectoryStream<Path> dir, Path name,
            String relative) throws IOException {
        synchronized (MKDIR_LOCK) {
            try {
                dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
                return; // appeared meanwhile; the caller looks at what it is
            } catch (NoSuchFileException e) {
                // create it
            }
            Path temp = tempName("dir-" + name);
            Files.createDirectory(root.resolve(temp));
            try {
                rootDir.move(temp, dir, name);
            } catch (FileSystemException e) {
                deleteDirectoryQuietly(rootDir, temp);
                if (!crossesDevice(e)) {
                    throw e;
                }
                // A mount point inside the root: renameat cannot cross it. Create by path; the
                // caller re-opens it without following links and checks it is a directory.
                try {
                    Files.createDirectory(root.resolve(relative));
                } catch (FileAlreadyExistsException ignored) {
                    // the caller looks at what is there
                }
            }
        }
    }

    private static boolean crossesDevice(FileSystemException e) {
        String reason = e.getReason();
        return reason != null && reason.toLowerCase(java.util.Locale.ROOT).contains("cross-device");
    }

    /** A fresh temp name for {@code base}, recognizable by {@link AtomicFiles#TEMP_PREFIX}. */
    static Path tempName(String base) {
        String b = base.length() > 100 ? base.substring(0, 100) : base;
        return Path.of(AtomicFiles.TEMP_PREFIX + b + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /**
     * A temp file next to a target, written by its owner, then {@link #commit committed} over the
     * target with {@code renameat}; {@link #close} removes it unless committed.
     */
    final class Temp implements ServedRoot.TempFile {
        private final OpenDir parent;
        private final Path name;
        private final Path target;
        private final String targetRelative;
        private final FileChannel channel;
        private boolean committed;

        private Temp(OpenDir parent, Path name, Path target, String targetRelative, FileChannel channel) {
            this.parent = parent;
            this.name = name;
            this.target = target;
            this.targetRelative = targetRelative;
            this.channel = channel;
        }

        @Override
        public FileChannel channel() {
            return channel;
        }

        @Override
        public String target() {
            return targetRelative;
        }

        @Override
        public void commit(FileTime lastModified) throws IOException {
            if (committed) {
                throw new IllegalStateException("already committed: " + targetRelative);
            }
            channel.force(true);
            channel.close();
            if (lastModified != null) {
                parent.dir().getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(lastModified, null, null);
            }
            // renameat within one opened directory: atomic, and replaces a link itself, never its target
            parent.dir().move(name, parent.dir(), target);
            committed = true;
            parent.fsync();
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
            if (!committed) {
                try {
                    parent.dir().deleteFile(name);
                } catch (IOException ignored) {
                    // already gone
                }
            }
            parent.close();
        }
    }

    /**
     * Opens (creating directories) the parent of {@code requestPath} and a temp file in it.
     *
     * @param permissions the temp file's exact permissions, or null for the umask's
     */
    Temp createTemp(String requestPath, Set<java.nio.file.attribute.PosixFilePermission> permissions)
            throws PathRefusedException, IOException {
        List<String> segments = ServedRoot.segments(requestPath);
        Path target = ServedRoot.fileName(root, segments.get(segments.size() - 1), requestPath);
        OpenDir parent = open(segments, segments.size() - 1, true, requestPath);
        try {
            String relative = parent.child(segments.get(segments.size() - 1));
            BasicFileAttributes existing = parent.attributes(target);
            if (existing != null && existing.isDirectory()) {
                throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath,
                        relative + " is a directory, cannot write a file there");
            }
            if (existing != null && existing.isSymbolicLink()) {
                throw new PathRefusedException(PathRefusedException.Reason.SYMLINK, requestPath,
                        relative + " is a symbolic link");
            }
            for (int i = 0; ; i++) {
                Path temp = tempName(target.toString());
                try {
                    FileChannel ch = permissions == null
                            ? (FileChannel) parent.dir().newByteChannel(temp, Set.of(StandardOpenOption.WRITE,
                                    StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS))
                            : (FileChannel) parent.dir().newByteChannel(temp, Set.of(StandardOpenOption.WRITE,
                                    StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS),
                                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(permissions));
                    return new Temp(parent, temp, target, relative, ch);
                } catch (FileAlreadyExistsException e) {
                    if (i > 8) {
                        throw e;
                    }
                }
            }
        } catch (PathRefusedException | IOException | RuntimeException e) {
            parent.close();
            throw e;
        }
    }

    /** Replaces {@code requestPath} atomically with what {@code writer} writes. */
    void write(String requestPath, AtomicFiles.Writer writer) throws PathRefusedException, IOException {
        try (Temp temp = createTemp(requestPath, null)) {
            OutputStream out = Channels.newOutputStream(temp.channel());
            writer.write(out);
            out.flush();
            temp.commit(null);
        }
    }

    /**
     * Places a copy of {@code source} (a regular file opened inside the root) at {@code requestPath}:
     * a hard link when the file system allows one, else a copy; the target is replaced atomically.
     * The link is made at a temp name directly in the root and kept only when it is the very inode
     * that was opened, so a path swapped under {@code source} cannot link a file from elsewhere.
     */
    void linkOrCopy(ServedFile source, String requestPath) throws PathRefusedException, IOException {
        List<String> segments = ServedRoot.segments(requestPath);
        Path target = ServedRoot.fileName(root, segments.get(segments.size() - 1), requestPath);
        try (OpenDir parent = open(segments, segments.size() - 1, true, requestPath)) {
            BasicFileAttributes existing = parent.attributes(target);
            if (existing != null && (existing.isDirectory() || existing.isSymbolicLink())) {
                throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath,
                        parent.child(target.toString()) + " is a directory or a link, cannot place a file there");
            }
            if (hardLink(source, parent, target)) {
                parent.fsync();
                return;
            }
        }
        try (Temp temp = createTemp(requestPath, null)) {
            FileChannel in = source.channel();
            long pos = 0;
            while (pos < source.size()) {
                long n = in.transferTo(pos, source.size() - pos, temp.channel());
                if (n <= 0) {
                    break; // the source shrank
                }
                pos += n;
            }
            temp.commit(null);
        }
    }

    private boolean hardLink(ServedFile source, OpenDir parent, Path target) throws IOException {
        Path temp = tempName(target.toString());
        try {
            Files.createLink(root.resolve(temp), root.resolve(source.relativePath()));
        } catch (IOException | UnsupportedOperationException e) {
            return false; // another file system, or no hard links: copy
        }
        boolean moved = false;
        try {
            BasicFileAttributes a = parent.rootDir().getFileAttributeView(temp, BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes();
            if (!a.isRegularFile() || source.fileKey() == null || !Objects.equals(a.fileKey(), source.fileKey())) {
                return false; // not the file that was opened: the path changed under us
            }
            try {
                parent.rootDir().move(temp, parent.dir(), target);
                moved = true;
                return true;
            } catch (FileSystemException e) {
                return false; // the target directory is on another file system: copy
            }
        } finally {
            if (!moved) {
                try {
                    parent.rootDir().deleteFile(temp);
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    /** As {@link #open} without creating; null when a directory (or the root) is missing. */
    private OpenDir openExisting(List<String> segments, int count, String requestPath)
            throws PathRefusedException, IOException {
        try {
            return open(segments, count, false, requestPath);
        } catch (PathRefusedException e) {
            if (e.reason() == PathRefusedException.Reason.NOT_FOUND) {
                return null;
            }
            throw e;
        } catch (NoSuchFileException e) {
            return null; // no root
        }
    }

    /**
     * Deletes the file {@code requestPath} names.
     *
     * @return whether a file was deleted (false when it or a parent directory is absent)
     * @throws PathRefusedException INVALID when it is a directory; SYMLINK for a link on the way
     */
    boolean delete(String requestPath) throws PathRefusedException, IOException {
        List<String> segments = ServedRoot.segments(requestPath);
        Path name = ServedRoot.fileName(root, segments.get(segments.size() - 1), requestPath);
        OpenDir parent = openExisting(segments, segments.size() - 1, requestPath);
        if (parent == null) {
            return false;
        }
        try (parent) {
            BasicFileAttributes a = parent.attributes(name);
            if (a == null) {
                return false;
            }
            if (a.isDirectory()) {
                throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath,
                        parent.child(name.toString()) + " is a directory, not a file");
            }
            try {
                parent.dir().deleteFile(name); // unlinkat: a link is removed, never its target
            } catch (NoSuchFileException e) {
                return false;
            }
            parent.fsync();
            return true;
        }
    }

    /**
     * Deletes {@code requestPath} and, when it is a directory, everything below it, each entry
     * relative to its opened directory (links are removed, never followed).
     *
     * @return whether anything was deleted
     */
    boolean deleteTree(String requestPath) throws PathRefusedException, IOException {
        List<String> segments = ServedRoot.segments(requestPath);
        Path name = ServedRoot.fileName(root, segments.get(segments.size() - 1), requestPath);
        OpenDir parent = openExisting(segments, segments.size() - 1, requestPath);
        if (parent == null) {
            return false;
        }
        try (parent) {
            boolean deleted = deleteEntry(parent.dir(), name, 0);
            if (deleted) {
                parent.fsync();
            }
            return deleted;
        }
    }

    private static boolean deleteEntry(SecureDirectoryStream<Path> dir, Path name, int depth) throws IOException {
        BasicFileAttributes a;
        try {
            a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            return false;
        }
        if (a.isDirectory()) {
            if (depth > ServedRoot.MAX_SEGMENTS) {
                throw new IOException("directory tree deeper than " + ServedRoot.MAX_SEGMENTS + " at " + name);
            }
            try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                List<Path> children = new ArrayList<>();
                for (Path child : sub) {
                    children.add(child.getFileName());
                }
                for (Path child : children) {
                    deleteEntry(sub, child, depth + 1);
                }
            } catch (NoSuchFileException e) {
                return false;
            }
            try {
                dir.deleteDirectory(name);
            } catch (NoSuchFileException e) {
                return false;
            } catch (DirectoryNotEmptyException e) {
                throw new IOException("cannot delete " + name + ": something was written into it meanwhile", e);
            }
            return true;
        }
        try {
            dir.deleteFile(name);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * The names in directory {@code requestPath} (reached without links), excluding temp files.
     *
     * @return empty when the directory is absent
     */
    List<String> list(String requestPath) throws PathRefusedException, IOException {
        List<String> segments = ServedRoot.segments(requestPath);
        OpenDir dir = openExisting(segments, segments.size(), requestPath);
        if (dir == null) {
            return List.of();
        }
        try (dir) {
            List<String> names = new ArrayList<>();
            for (Path p : dir.dir()) {
                String n = p.getFileName().toString();
                if (!n.startsWith(AtomicFiles.TEMP_PREFIX)) {
                    names.add(n);
                }
            }
            names.sort(null);
            return names;
        }
    }

    private static void deleteDirectoryQuietly(SecureDirectoryStream<Path> dir, Path name) {
        try {
            dir.deleteDirectory(name);
        } catch (IOException ignored) {
            // already gone
        }
    }
}
