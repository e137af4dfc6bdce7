package org.bootproxy.spi.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one path policy of bootproxy: how a path a client asks for (TFTP file name, HTTP boot URL)
 * becomes a regular file under a served root. Both the TFTP server and httpboot use it, and
 * nothing else may open a served file.
 *
 * <h2>Policy</h2>
 * <ol>
 *   <li>The caller decodes the request once (HTTP: percent-decoding after refusing encoded
 *       separators; TFTP: nothing) and passes the result here.</li>
 *   <li>Leading and repeated {@code /} are ignored: {@code /pxelinux.0}, {@code //a//b} name
 *       files below the root, as tftpd-hpa's secure mode and HTTP servers treat them.</li>
 *   <li>Refused as {@link PathRefusedException.Reason#INVALID}: an empty path; a {@code .} or
 *       {@code ..} segment; a backslash; NUL or any other control character (below 0x20, 0x7f);
 *       a drive letter ({@code C:}); more than {@value #MAX_SEGMENTS} segments or
 *       {@value #MAX_LENGTH} characters.</li>
 *   <li>The path is walked from the root one component at a time, each directory opened relative
 *       to its parent without following links ({@code openat(O_NOFOLLOW)} through
 *       {@link SecureDirectoryStream}); any symbolic link on the way, file or directory, inside
 *       or outside the root, dangling or not, is {@link PathRefusedException.Reason#SYMLINK}.</li>
 *   <li>A missing component is {@code NOT_FOUND}; a directory at the end is {@code DIRECTORY}
 *       (no listings); a FIFO, socket or device is {@code NOT_REGULAR} and is never opened, so
 *       a FIFO cannot hang a request.</li>
 *   <li>The file is opened relative to its directory's descriptor with {@code O_NOFOLLOW}, so a
 *       symlink swapped in after the check is not followed; after opening, the entry must still
 *       be the same inode (same-file check), and the size reported is the open descriptor's.</li>
 *   <li>A segment the platform's file name encoding cannot represent is {@code INVALID}.</li>
 *   <li>Reading ({@link #open}, {@link #check}): a name no file can have is {@code NOT_FOUND},
 *       as for any other missing file (a segment over {@value #NAME_MAX} bytes, a path over
 *       {@value #MAX_LENGTH} characters: the kernel's {@code ENAMETOOLONG}), never an I/O error.
 *       A path ending in {@code /} names a directory, as in POSIX: when its last component is a
 *       file it is {@code NOT_FOUND} ({@code hello.txt/} is not {@code hello.txt}).</li>
 * </ol>
 * Residual race: a regular file replaced by a FIFO between the check and {@code open} would
 * block that one request (the JDK cannot open with {@code O_NONBLOCK}); doing so needs write
 * access to the served tree.
 * The root itself is resolved once, at construction ({@link Path#toRealPath}); it may be a
 * symlink (e.g. {@code /var/lib/tftpboot -> /srv/tftp}) because the operator chose it.
 *
 * <p>{@link #check} applies the same rules without opening anything (one {@code lstat} per
 * component), for answering from bytes read earlier through {@code open}; see its comment for
 * what a match does and does not prove.
 *
 * <p>Where the JDK offers no {@link SecureDirectoryStream} (not Linux), the walk reads each
 * component's attributes without following links and opens the file with
 * {@link LinkOption#NOFOLLOW_LINKS}; that closes the race on the last component only.
 *
 * <h2>Writes</h2>
 * {@link #write}, {@link #createTemp}, {@link #linkOrCopy}, {@link #delete}, {@link #deleteTree}
 * are the only way bootproxy changes a served tree. Paths follow the same text rules; every step
 * (walking, creating directories, the temp file, the rename, the unlink) is relative to a
 * directory opened with {@code O_NOFOLLOW}, so a directory swapped for a symlink at any moment
 * never makes a write land outside the root, and temp files are removed on every failure path.
 * They need a {@link SecureDirectoryStream} (Linux): elsewhere they fail with an IOException.
 *
 * <p>Thread-safe and immutable.
 */
public final class ServedRoot {

    /** Longest accepted request path, in characters. */
    public static final int MAX_LENGTH = 4096;
    /** Deepest accepted request path, in segments. */
    public static final int MAX_SEGMENTS = 64;
    /** Longest file name, in bytes (Linux's {@code NAME_MAX}). */
    public static final int NAME_MAX = 255;

    private final Path root;
    private final RootWriter writer;

    private ServedRoot(Path root) {
        this.root = root;
        this.writer = new RootWriter(root);
    }

    /**
     * @param root the directory to serve; must exist
     * @throws IOException when it does not exist or is not a directory
     */
    public static ServedRoot of(Path root) throws IOException {
        Path real = root.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new NotDirectoryException(root.toString());
        }
        return new ServedRoot(real);
    }

    /** The real path of the root. */
    public Path root() {
        return root;
    }

    /**
     * Checks a request path against the policy's text rules and splits it into segments.
     *
     * @return the segments, never empty
     */
    public static List<String> segments(String requestPath) throws PathRefusedException {
        if (requestPath == null || requestPath.isEmpty()) {
            throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath, "empty path");
        }
        if (requestPath.length() > MAX_LENGTH) {
            throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath, "path too long");
        }
        for (int i = 0; i < requestPath.length(); i++) {
            char c = requestPath.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath,
                        "control character in path");
            }
            if (c == '\\') {
                throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath, "backslash in path");
            }
        }
        List<String> segments = new ArrayList<>();
        for (String s : requestPath.split("/")) {
            if (s.isEmpty()) {
                continue;
            }
            if (s.equals(".") || s.equals("..")) {
                throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath,
                        "'" + s + "' segment in path");
            }
            if (segments.isEmpty() && s.length() >= 2 && s.charAt(1) == ':' && Character.isLetter(s.charAt(0))) {
                throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath, "drive letter in path");
            }
            segments.add(s);
        }
        if (segments.isEmpty()) {
            throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath, "empty path");
        }
        if (segments.size() > MAX_SEGMENTS) {
            throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath, "path too deep");
        }
        return segments;
    }

    /**
     * Opens the regular file a request path names.
     *
     * @param requestPath the decoded path as the client sent it
     * @throws PathRefusedException when the policy refuses it (see the class comment)
     * @throws IOException on an I/O error other than a refusal
     */
    public ServedFile open(String requestPath) throws PathRefusedException, IOException {
        List<String> segments = readSegments(requestPath);
        boolean directoryOnly = requestPath.endsWith("/");
        String relative = String.join("/", segments);
        DirectoryStream<Path> top;
        try {
            top = Files.newDirectoryStream(root);
        } catch (NoSuchFileException e) {
            throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath, "root missing");
        }
        if (!(top instanceof SecureDirectoryStream<Path> secureTop)) {
            top.close();
            return openPortable(requestPath, segments, relative);
        }
        List<SecureDirectoryStream<Path>> opened = new ArrayList<>();
        opened.add(secureTop);
        try {
            SecureDirectoryStream<Path> dir = secureTop;
            for (int i = 0; i < segments.size(); i++) {
                Path name = fileName(segments.get(i), requestPath);
                BasicFileAttributes attrs;
                try {
                    attrs = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .readAttributes();
                } catch (NoSuchFileException | NotDirectoryException e) {
                    throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath, "not found");
                }
                boolean last = i == segments.size() - 1;
                check(attrs, last, directoryOnly, requestPath);
                if (!last) {
                    SecureDirectoryStream<Path> next;
                    try {
                        next = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException e) {
                        throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath, "not found");
                    } catch (AccessDeniedException e) {
                        throw e; // the operator's permissions, not the client's path
                    } catch (IOException e) {
                        // ELOOP/ENOTDIR: the component was replaced by a link or a file after the check
                        throw new PathRefusedException(PathRefusedException.Reason.SYMLINK, requestPath,
                                "path changed while opening");
                    }
                    opened.add(next);
                    dir = next;
                } else {
                    SeekableByteChannel ch;
                    try {
                        ch = dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                    } catch (NoSuchFileException e) {
                        throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath, "not found");
                    } catch (AccessDeniedException e) {
                        throw e; // the operator's permissions, not the client's path
                    } catch (IOException e) {
                        throw new PathRefusedException(PathRefusedException.Reason.SYMLINK, requestPath,
                                "path changed while opening");
                    }
                    return sameFileOrRefuse(dir, name, attrs, (FileChannel) ch, relative, requestPath);
                }
            }
            throw new AssertionError("unreachable");
        } finally {
            for (SecureDirectoryStream<Path> d : opened) {
                try {
                    d.close();
                } catch (IOException ignored) {
                    // closing a directory descriptor we only read
                }
            }
        }
    }

    /**
     * The file-system name of one segment. A segment the platform's file name encoding cannot
     * represent (e.g. non-ASCII under a POSIX locale) names no file bootproxy could have written:
     * refused as INVALID instead of an unchecked {@link InvalidPathException}.
     */
    private Path fileName(String segment, String requestPath) throws PathRefusedException {
        return fileName(root, segment, requestPath);
    }

    static Path fileName(Path root, String segment, String requestPath) throws PathRefusedException {
        try {
            return root.getFileSystem().getPath(segment);
        } catch (InvalidPathException e) {
            throw new PathRefusedException(PathRefusedException.Reason.INVALID, requestPath,
                    "name not representable in the file system's encoding");
        }
    }

    /**
     * The same-file check after opening: the entry must still be the inode that was checked,
     * and the size served is the open descriptor's (fstat), so what is announced is what is read.
     */
    private static ServedFile sameFileOrRefuse(SecureDirectoryStream<Path> dir, Path name, BasicFileAttributes before,
            FileChannel ch, String relative, String requestPath) throws PathRefusedException, IOException {
        try {
            BasicFileAttributes after = dir.getFileAttributeView(name, BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes();
            if (!after.isRegularFile() || !java.util.Objects.equals(after.fileKey(), before.fileKey())) {
                ch.close();
                throw new PathRefusedException(PathRefusedException.Reason.SYMLINK, requestPath,
                        "path changed while opening");
            }
            return new ServedFile(relative, ch, ch.size(), after.lastModifiedTime(), after.fileKey());
        } catch (NoSuchFileException e) {
            ch.close();
            throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath, "not found");
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * {@link #segments} for reading: a name no file can have is NOT_FOUND (see the class comment),
     * checked before any system call, which would fail with {@code ENAMETOOLONG}.
     */
    private static List<String> readSegments(String requestPath) throws PathRefusedException {
        if (requestPath != null && requestPath.length() > MAX_LENGTH) {
            throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath,
                    "path too long for any file");
        }
        List<String> segments = segments(requestPath);
        for (String s : segments) {
            // UTF-8 is at least as long as any encoding the name could take on disk here
            if (s.length() > NAME_MAX / 3 && s.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
                throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath,
                        "name too long for any file");
            }
        }
        return segments;
    }

    /**
     * @param directoryOnly the request path ends in {@code /}: the last component must be a
     *     directory (and is then refused as one)
     */
    private static void check(BasicFileAttributes attrs, boolean last, boolean directoryOnly, String requestPath)
            throws PathRefusedException {
        if (attrs.isSymbolicLink()) {
            throw new PathRefusedException(PathRefusedException.Reason.SYMLINK, requestPath, "symbolic link in path");
        }
        if (last && directoryOnly && !attrs.isDirectory()) {
            throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath,
                    "not a directory (path ends in '/')");
        }
        if (!last) {
            if (!attrs.isDirectory()) {
                throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath, "not found");
            }
            return;
        }
        if (attrs.isDirectory()) {
            throw new PathRefusedException(PathRefusedException.Reason.DIRECTORY, requestPath, "is a directory");
        }
        if (!attrs.isRegularFile()) {
            throw new PathRefusedException(PathRefusedException.Reason.NOT_REGULAR, requestPath, "not a regular file");
        }
    }

    private ServedFile openPortable(String requestPath, List<String> segments, String relative)
            throws PathRefusedException, IOException {
        Walked w = walkAttributes(requestPath, segments);
        FileChannel ch = FileChannel.open(w.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return new ServedFile(relative, ch, w.attrs().size(), w.attrs().lastModifiedTime(), w.attrs().fileKey());
    }

    private record Walked(Path path, BasicFileAttributes attrs) {
    }

    /** The policy's walk by path: each component's attributes without following links, checked. */
    private Walked walkAttributes(String requestPath, List<String> segments) throws PathRefusedException, IOException {
        Path p = root;
        BasicFileAttributes attrs = null;
        boolean directoryOnly = requestPath.endsWith("/");
        for (int i = 0; i < segments.size(); i++) {
            p = p.resolve(fileName(segments.get(i), requestPath));
            attrs = attributesNoFollow(p, requestPath);
            check(attrs, i == segments.size() - 1, directoryOnly, requestPath);
        }
        return new Walked(p, attrs);
    }

    /**
     * What a request path names right now, by the same rules as {@link #open} (text rules; every
     * component's attributes read without following links; any symlink, a directory, a FIFO or
     * other non-regular file refused), but without opening anything: one {@code lstat} per
     * component.
     *
     * <p>For callers that keep what they read from a file {@link #open} returned (keyed on
     * {@link Entry#fileKey()}, size and modification time) and want to know whether a request may
     * be answered from it. It is not a substitute for {@code open} when reading: a component can
     * be swapped between two {@code lstat}s, so the only safe use of a match is to serve bytes
     * that were read earlier through {@code open} from the file with that identity (which then
     * were inside the root and free of links).
     *
     * @throws PathRefusedException when the policy refuses the path
     */
    public Entry check(String requestPath) throws PathRefusedException, IOException {
        List<String> segments = readSegments(requestPath);
        BasicFileAttributes attrs = walkAttributes(requestPath, segments).attrs();
        return new Entry(String.join("/", segments), attrs.size(), attrs.lastModifiedTime(), attrs.fileKey());
    }

    /**
     * A regular file's identity and version as {@link #check} saw it.
     *
     * @param relativePath the normalized path below the root, as {@link ServedFile#relativePath()}
     * @param fileKey device and inode, as {@link ServedFile#fileKey()} ({@code null} where the
     *        platform has none: then nothing can be matched)
     */
    public record Entry(String relativePath, long size, FileTime lastModified, Object fileKey) {
    }

    private static BasicFileAttributes attributesNoFollow(Path p, String requestPath)
            throws PathRefusedException, IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw new PathRefusedException(PathRefusedException.Reason.NOT_FOUND, requestPath, "not found");
        }
    }

    // ---- writing (the implementation is RootWriter)

    /**
     * A temp file next to a target under the root, opened for writing; {@link #commit} renames it
     * over the target, {@link #close} removes it unless committed. Not thread-safe.
     */
    public interface TempFile extends AutoCloseable {
        /** The open temp file, positioned at 0; do not close it ({@link #commit} and {@link #close} do). */
        FileChannel channel();

        /** The target, relative to the root. */
        String target();

        /**
         * Fsyncs the temp file, sets its modification time (when not null) and renames it over
         * the target in the same opened directory, then fsyncs the directory.
         */
        void commit(FileTime lastModified) throws IOException;

        /** Closes the file and removes it unless committed; never throws. */
        @Override
        void close();
    }

    /**
     * Replaces the file {@code requestPath} names with {@code data} atomically (temp file, fsync,
     * rename), creating missing directories. Every step is relative to a directory opened without
     * following links, so nothing is created, written or renamed outside the root whatever is
     * swapped in the tree meanwhile, and the temp file is removed on every failure.
     *
     * @throws PathRefusedException INVALID for a bad path, a file where a directory must be or a
     *     directory where the file goes; SYMLINK for a link on the way or at the target
     */
    public void write(String requestPath, byte[] data) throws PathRefusedException, IOException {
        writer.write(requestPath, out -> out.write(data));
    }

    /** As {@link #write(String, byte[])}, with the content {@code writer} produces. */
    public void write(String requestPath, AtomicFiles.Writer contents) throws PathRefusedException, IOException {
        writer.write(requestPath, contents);
    }

    /**
     * Opens a temp file next to {@code requestPath} (creating directories), for a caller that
     * fills it itself (a download) and commits it when complete. Same rules as {@link #write}.
     */
    public TempFile createTemp(String requestPath) throws PathRefusedException, IOException {
        return writer.createTemp(requestPath, null);
    }

    /**
     * Places the regular file {@code sourcePath} (opened by {@link #open}'s rules) at
     * {@code targetPath}: a hard link when possible, else a copy, replacing the target atomically.
     * Never a symbolic link; never a file from outside the root.
     */
    public void linkOrCopy(String sourcePath, String targetPath) throws PathRefusedException, IOException {
        try (ServedFile source = open(sourcePath)) {
            writer.linkOrCopy(source, targetPath);
        }
    }

    /**
     * Deletes the file {@code requestPath} names (a link is removed, never its target).
     *
     * @return whether a file was deleted; false when absent
     * @throws PathRefusedException INVALID when it is a directory, SYMLINK for a link on the way
     */
    public boolean delete(String requestPath) throws PathRefusedException, IOException {
        return writer.delete(requestPath);
    }

    /**
     * Deletes {@code requestPath} and everything below it without following links.
     *
     * @return whether anything was deleted
     */
    public boolean deleteTree(String requestPath) throws PathRefusedException, IOException {
        return writer.deleteTree(requestPath);
    }

    /**
     * The entry names of directory {@code requestPath}, sorted, without temp files.
     *
     * @return empty when the directory does not exist
     * @throws PathRefusedException SYMLINK for a link on the way, INVALID for a file on the way
     */
    public List<String> list(String requestPath) throws PathRefusedException, IOException {
        return writer.list(requestPath);
    }
}
