package org.bootproxy.tftp.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bootproxy.spi.files.AtomicFiles;
import org.bootproxy.spi.files.PathRefusedException;
import org.bootproxy.spi.files.ServedFile;
import org.bootproxy.spi.files.ServedRoot;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot configs under the TFTP root: what {@code /tftp} writes, reads and deletes, with no
 * JAX-RS in sight.
 *
 * <p>Every file is replaced atomically ({@link AtomicFiles#write}): a TFTP or HTTP client reading
 * it at any moment gets the old content or the new, never a part. Paths are resolved with
 * {@link AtomicFiles#resolveForWrite}, so a write never crosses a symbolic link; all targets of a
 * request are checked before the first is written, so a refused request changes nothing. The
 * PXEGrub2 host directory {@code host-config/<mac-dashed>/grub2/} holds hard links (or copies,
 * across file systems) of the boot loaders, never symlinks, so httpboot serves it too.
 *
 * <p>Thread-safe. Writers of different files do not block each other; work on host directories is
 * serialized (it lists and prunes a directory).
 */
public final class BootConfigStore {

    /** The largest config file {@code GET} returns; configs are a few KiB. */
    public static final int MAX_READ = 16 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(BootConfigStore.class);

    private final Path root;
    private final Object hostConfigLock = new Object();

    /** @param root the TFTP root; created on the first write when missing */
    public BootConfigStore(Path root) {
        this.root = root;
    }

    /** The TFTP root as configured. */
    public Path root() {
        return root;
    }

    /** The host directory of a MAC, relative to the root. */
    public static String hostConfigDir(MacAddress mac) {
        return "host-config/" + mac.dashed();
    }

    /**
     * Writes {@code config} to every config file of {@code variant} for {@code mac}; for PXEGrub2
     * with a host boot loader also prepares {@code host-config/<mac-dashed>/grub2/}.
     *
     * @return the files written, relative to the root
     * @throws ConfigRefusedException when a target path is refused; nothing was written
     */
    public List<String> write(Variant variant, MacAddress mac, byte[] config, Optional<HostBootloader> host)
            throws ConfigRefusedException, IOException {
        List<String> files = variant.configFiles(mac);
        List<Path> targets = prepare(files);
        String hostDir = hostConfigDir(mac) + "/grub2";
        boolean withHost = variant == Variant.PXEGRUB2 && host.isPresent();
        Path hostTarget = withHost ? prepare(List.of(hostDir + "/grub.cfg")).get(0).getParent() : null;
        for (Path target : targets) {
            AtomicFiles.write(target, config);
        }
        List<String> written = new ArrayList<>(files);
        if (withHost) {
            written.addAll(writeHostDir(mac, hostDir, hostTarget, config, host.get()));
        }
        LOG.info("TFTP: {} config for {} written: {}", variant, mac, written);
        return written;
    }

    /**
     * Writes the default menu file(s) of {@code variant}.
     *
     * @return the files written, relative to the root
     */
    public List<String> writeDefault(Variant variant, byte[] menu) throws ConfigRefusedException, IOException {
        List<String> files = variant.defaultFiles();
        for (Path target : prepare(files)) {
            AtomicFiles.write(target, menu);
        }
        LOG.info("TFTP: {} default menu written: {}", variant, files);
        return files;
    }

    /**
     * The first config file of {@code variant} for {@code mac}, read through the served-file path
     * policy (no symlinks).
     *
     * @return empty when there is none
     */
    public Optional<byte[]> read(Variant variant, MacAddress mac) throws IOException {
        String rel = variant.configFiles(mac).get(0);
        ServedRoot served;
        try {
            served = ServedRoot.of(root);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try (ServedFile f = served.open(rel)) {
            if (f.size() > MAX_READ) {
                throw new IOException(rel + " is larger than " + MAX_READ + " bytes");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) f.size());
            while (buf.hasRemaining() && f.channel().read(buf) >= 0) {
                // read until full or end of file (the file may have been replaced by a shorter one)
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return Optional.of(out);
        } catch (PathRefusedException e) {
            LOG.debug("TFTP: {} config for {} not readable: {}", variant, mac, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Removes every config file of {@code variant} for {@code mac} (absent ones are fine) and, for
     * PXEGrub2, the MAC's host directory {@code host-config/<mac-dashed>/}.
     *
     * @return the files and directories removed, relative to the root
     */
    public List<String> delete(Variant variant, MacAddress mac) throws ConfigRefusedException, IOException {
        List<String> files = variant.configFiles(mac);
        List<Path> targets = resolveAll(files);
        List<String> removed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path p = targets.get(i);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new ConfigRefusedException(files.get(i) + " is a directory, not a config file");
            }
            if (AtomicFiles.delete(p)) {
                removed.add(files.get(i));
            }
        }
        if (variant == Variant.PXEGRUB2) {
            String hostDir = hostConfigDir(mac);
            Path dir = resolveAll(List.of(hostDir)).get(0);
            synchronized (hostConfigLock) {
                if (deleteTree(dir)) {
                    removed.add(hostDir + "/");
                }
            }
        }
        LOG.info("TFTP: {} config for {} deleted: {}", variant, mac, removed.isEmpty() ? "nothing was there" : removed);
        return removed;
    }

    // ---- host directory (PXEGrub2, Foreman 3.14+)

    private List<String> writeHostDir(MacAddress mac, String hostDir, Path dir, byte[] config, HostBootloader host)
            throws ConfigRefusedException, IOException {
        Map<String, Path> loaders = bootLoaders(host, mac);
        List<String> configNames = List.of("grub.cfg", "grub.cfg-01-" + mac.dashed(), "grub.cfg-" + mac);
        List<String> written = new ArrayList<>();
        synchronized (hostConfigLock) {
            for (String name : configNames) {
                AtomicFiles.write(dir.resolve(name), config);
                written.add(hostDir + "/" + name);
            }
            for (Map.Entry<String, Path> e : loaders.entrySet()) {
                AtomicFiles.linkOrCopy(e.getValue(), dir.resolve(e.getKey()));
                written.add(hostDir + "/" + e.getKey());
            }
            // A host that changed OS or architecture keeps no boot loader of its old one.
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (!configNames.contains(name) && !loaders.containsKey(name)
                            && !name.startsWith(AtomicFiles.TEMP_PREFIX)
                            && !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        AtomicFiles.delete(entry);
                    }
                }
            }
        }
        return written;
    }

    /**
     * The boot loaders of a host directory, by target name: every {@code *.efi} of the first of
     * {@code bootloader-universe/pxegrub2/<os>/<release>/<arch>/} and {@code .../<os>/default/<arch>/}
     * that exists, else {@code grub<suffix>.efi} and {@code shim<suffix>.efi} of {@code grub2/}
     * under their own and their generic names. Only regular files reached without a symlink are
     * used; others are skipped with a warning (the host can still boot from the shared loaders).
     */
    private Map<String, Path> bootLoaders(HostBootloader host, MacAddress mac) throws IOException {
        String base = "bootloader-universe/pxegrub2/" + host.targetos();
        for (String rel : List.of(base + "/" + host.release() + "/" + host.arch(), base + "/default/" + host.arch())) {
            Optional<Path> dir = directory(rel);
            if (dir.isPresent()) {
                Map<String, Path> found = new TreeMap<>();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.get(), "*.efi")) {
                    for (Path entry : entries) {
                        BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class,
                                LinkOption.NOFOLLOW_LINKS);
                        if (a.isRegularFile()) {
                            found.put(entry.getFileName().toString(), entry);
                        } else {
                            LOG.warn("TFTP: host-config for {}: skipping {}/{}: not a regular file (symlinks are not"
                                    + " linked into served directories)", mac, rel, entry.getFileName());
                        }
                    }
                }
                return found;
            }
        }
        String suffix = host.bootfileSuffix();
        Map<String, Path> found = new LinkedHashMap<>();
        Optional<Path> grub = regularFile("grub2/grub" + suffix + ".efi", mac);
        grub.ifPresent(p -> {
            found.put("boot.efi", p);
            found.put("grub" + suffix + ".efi", p);
        });
        Optional<Path> shim = regularFile("grub2/shim" + suffix + ".efi", mac);
        shim.ifPresent(p -> {
            found.put("boot-sb.efi", p);
            found.put("shim" + suffix + ".efi", p);
        });
        return found;
    }

    private Optional<Path> directory(String rel) throws IOException {
        Path p;
        try {
            p = AtomicFiles.resolveForWrite(root, rel);
        } catch (PathRefusedException e) {
            LOG.warn("TFTP: not using boot loader directory {}: {}", rel, e.getMessage());
            return Optional.empty();
        }
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
    }

    private Optional<Path> regularFile(String rel, MacAddress mac) throws IOException {
        ServedRoot served;
        try {
            served = ServedRoot.of(root);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try (ServedFile f = served.open(rel)) {
            return Optional.of(served.root().resolve(f.relativePath()));
        } catch (PathRefusedException e) {
            LOG.warn("TFTP: host-config for {}: boot loader {} not linked: {}", mac, rel, e.getMessage());
            return Optional.empty();
        }
    }

    // ---- paths

    /**
     * Resolves every target and checks it can be written as a file: no symlink on the way, no
     * file where a directory must be, no directory where the file goes.
     */
    private List<Path> prepare(List<String> files) throws ConfigRefusedException, IOException {
        for (String rel : files) {
            checkParents(rel);
        }
        List<Path> targets = resolveAll(files);
        for (int i = 0; i < files.size(); i++) {
            if (Files.isDirectory(targets.get(i), LinkOption.NOFOLLOW_LINKS)) {
                throw new ConfigRefusedException(files.get(i) + " is a directory, cannot write a file there");
            }
        }
        return targets;
    }

    /** Refuses a path whose parent directories include an existing file (ZTP's default vs its directory). */
    private void checkParents(String rel) throws ConfigRefusedException, IOException {
        String[] segments = rel.split("/");
        Path p = root;
        for (int i = 0; i < segments.length - 1; i++) {
            p = p.resolve(segments[i]);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return; // created on write
            }
            if (a.isSymbolicLink()) {
                return; // refused by resolveForWrite, with its message
            }
            if (!a.isDirectory()) {
                throw new ConfigRefusedException("cannot write " + rel + ": "
                        + String.join("/", Arrays.asList(segments).subList(0, i + 1)) + " is a file, not a directory");
            }
        }
    }

    private List<Path> resolveAll(List<String> files) throws ConfigRefusedException, IOException {
        List<Path> out = new ArrayList<>(files.size());
        for (String rel : files) {
            try {
                out.add(AtomicFiles.resolveForWrite(root, rel));
            } catch (PathRefusedException e) {
                throw new ConfigRefusedException("refusing " + rel + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Deletes a directory tree without following links (a link is removed, not its target). */
    private static boolean deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
        return true;
    }
}
