package org.bootproxy.tftp.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bootproxy.spi.files.PathRefusedException;
import org.bootproxy.spi.files.ServedFile;
import org.bootproxy.spi.files.ServedRoot;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bootproxy.spi.log.LogSafe;

/**
 * The boot configs under the TFTP root: what {@code /tftp} writes, reads and deletes, with no
 * JAX-RS in sight.
 *
 * <p>Every change goes through {@link ServedRoot}'s write methods: each file is replaced
 * atomically (a TFTP or HTTP client reading it at any moment gets the old content or the new,
 * never a part), relative to directories opened without following links, so a symlink swapped
 * into the tree at any moment never makes a write land outside the root. All targets of a
 * request are checked before the first is written, so a refused request changes nothing (short
 * of a concurrent change to the tree). The PXEGrub2 host directory
 * {@code host-config/<mac-dashed>/grub2/} holds hard links (or copies) of the boot loaders,
 * never symlinks, so httpboot serves it too.
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
        String hostDir = hostConfigDir(mac) + "/grub2";
        boolean withHost = variant == Variant.PXEGRUB2 && host.isPresent();
        ServedRoot served = servedForWrite();
        List<String> checked = new ArrayList<>(files);
        if (withHost) {
            checked.add(hostDir + "/grub.cfg");
        }
        precheck(served, checked);
        for (String file : files) {
            write(served, file, config);
        }
        List<String> written = new ArrayList<>(files);
        if (withHost) {
            written.addAll(writeHostDir(served, mac, hostDir, config, host.get()));
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
        ServedRoot served = servedForWrite();
        precheck(served, files);
        for (String file : files) {
            write(served, file, menu);
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
        Optional<ServedRoot> served = served();
        if (served.isEmpty()) {
            return Optional.empty();
        }
        try (ServedFile f = served.get().open(rel)) {
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
        List<String> removed = new ArrayList<>();
        Optional<ServedRoot> served = served();
        if (served.isPresent()) {
            for (String file : files) {
                try {
                    if (served.get().delete(file)) {
                        removed.add(file);
                    }
                } catch (PathRefusedException e) {
                    throw refused(file, e);
                }
            }
            if (variant == Variant.PXEGRUB2) {
                String hostDir = hostConfigDir(mac);
                synchronized (hostConfigLock) {
                    try {
                        if (served.get().deleteTree(hostDir)) {
                            removed.add(hostDir + "/");
                        }
                    } catch (PathRefusedException e) {
                        throw refused(hostDir, e);
                    }
                }
            }
        }
        LOG.info("TFTP: {} config for {} deleted: {}", variant, mac, removed.isEmpty() ? "nothing was there" : removed);
        return removed;
    }

    // ---- host directory (PXEGrub2, Foreman 3.14+)

    private List<String> writeHostDir(ServedRoot served, MacAddress mac, String hostDir, byte[] config,
            HostBootloader host) throws ConfigRefusedException, IOException {
        Map<String, String> loaders = bootLoaders(served, host, mac);
        List<String> configNames = List.of("grub.cfg", "grub.cfg-01-" + mac.dashed(), "grub.cfg-" + mac);
        List<String> written = new ArrayList<>();
        synchronized (hostConfigLock) {
            for (String name : configNames) {
                write(served, hostDir + "/" + name, config);
                written.add(hostDir + "/" + name);
            }
            for (Map.Entry<String, String> e : loaders.entrySet()) {
                String target = hostDir + "/" + e.getKey();
                try {
                    served.linkOrCopy(e.getValue(), target);
                    written.add(target);
                } catch (PathRefusedException ex) {
                    // the source changed since it was listed: the host boots from the shared loaders
                    LOG.warn("TFTP: host-config for {}: boot loader {} not linked: {}", mac, LogSafe.escape(e.getValue()),
                            ex.getMessage());
                }
            }
            // A host that changed OS or architecture keeps no boot loader of its old one.
            try {
                for (String name : served.list(hostDir)) {
                    if (!configNames.contains(name) && !loaders.containsKey(name)) {
                        try {
                            served.delete(hostDir + "/" + name);
                        } catch (PathRefusedException e) {
                            LOG.debug("TFTP: host-config for {}: not pruning {}: {}", mac, name, e.getMessage());
                        }
                    }
                }
            } catch (PathRefusedException e) {
                throw refused(hostDir, e);
            }
        }
        return written;
    }

    /**
     * The boot loaders of a host directory: target name to source path relative to the root.
     * Every {@code *.efi} of the first of {@code bootloader-universe/pxegrub2/<os>/<release>/<arch>/}
     * and {@code .../<os>/default/<arch>/} that exists, else {@code grub<suffix>.efi} and
     * {@code shim<suffix>.efi} of {@code grub2/} under their own and their generic names. Only
     * regular files reached without a symlink are used; others are skipped with a warning (the
     * host can still boot from the shared loaders).
     */
    private Map<String, String> bootLoaders(ServedRoot served, HostBootloader host, MacAddress mac)
            throws IOException {
        String base = "bootloader-universe/pxegrub2/" + host.targetos();
        for (String rel : List.of(base + "/" + host.release() + "/" + host.arch(), base + "/default/" + host.arch())) {
            List<String> names;
            try {
                names = served.list(rel);
            } catch (PathRefusedException e) {
                LOG.warn("TFTP: not using boot loader directory {}: {}", LogSafe.escape(rel), e.getMessage());
                continue;
            }
            if (names.isEmpty() && !isDirectory(served, rel)) {
                continue;
            }
            Map<String, String> found = new TreeMap<>();
            for (String name : names) {
                if (name.endsWith(".efi")) {
                    regularFile(served, rel + "/" + name, mac).ifPresent(p -> found.put(name, p));
                }
            }
            return found;
        }
        String suffix = host.bootfileSuffix();
        Map<String, String> found = new LinkedHashMap<>();
        regularFile(served, "grub2/grub" + suffix + ".efi", mac).ifPresent(p -> {
            found.put("boot.efi", p);
            found.put("grub" + suffix + ".efi", p);
        });
        regularFile(served, "grub2/shim" + suffix + ".efi", mac).ifPresent(p -> {
            found.put("boot-sb.efi", p);
            found.put("shim" + suffix + ".efi", p);
        });
        return found;
    }

    private static boolean isDirectory(ServedRoot served, String rel) throws IOException {
        try {
            served.check(rel);
            return false; // a regular file
        } catch (PathRefusedException e) {
            return e.reason() == PathRefusedException.Reason.DIRECTORY;
        }
    }

    private static Optional<String> regularFile(ServedRoot served, String rel, MacAddress mac) throws IOException {
        try {
            return Optional.of(served.check(rel).relativePath());
        } catch (PathRefusedException e) {
            if (e.reason() != PathRefusedException.Reason.NOT_FOUND) {
                LOG.warn("TFTP: host-config for {}: boot loader {} not linked: {}", mac, LogSafe.escape(rel), e.getMessage());
            }
            return Optional.empty();
        }
    }

    // ---- paths

    /** The root for writing, created when missing (it is the operator's configured path). */
    private ServedRoot servedForWrite() throws IOException {
        Files.createDirectories(root);
        return ServedRoot.of(root);
    }

    private Optional<ServedRoot> served() throws IOException {
        try {
            return Optional.of(ServedRoot.of(root));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static void write(ServedRoot served, String rel, byte[] data) throws ConfigRefusedException, IOException {
        try {
            served.write(rel, data);
        } catch (PathRefusedException e) {
            throw refused(rel, e);
        }
    }

    /**
     * Checks every target before the first is written: no symlink on the way, no file where a
     * directory must be, no directory (or link) where the file goes. The writes check again,
     * relative to opened directories; this only keeps a refused request from changing anything.
     */
    private static void precheck(ServedRoot served, List<String> files) throws ConfigRefusedException, IOException {
        for (String rel : files) {
            try {
                served.check(rel);
            } catch (PathRefusedException e) {
                switch (e.reason()) {
                    case NOT_FOUND -> notAFileOnTheWay(served, rel);
                    case DIRECTORY -> throw new ConfigRefusedException(rel + " is a directory, cannot write a file there");
                    case INVALID, SYMLINK, NOT_REGULAR -> throw refused(rel, e);
                }
            }
        }
    }

    /** A NOT_FOUND target may be missing (fine) or have a file where a directory must be (refused). */
    private static void notAFileOnTheWay(ServedRoot served, String rel) throws ConfigRefusedException, IOException {
        String[] segments = rel.split("/");
        for (int i = 1; i < segments.length; i++) {
            String prefix = String.join("/", java.util.Arrays.asList(segments).subList(0, i));
            try {
                served.check(prefix);
                throw new ConfigRefusedException("cannot write " + rel + ": " + prefix + " is a file, not a directory");
            } catch (PathRefusedException e) {
                if (e.reason() == PathRefusedException.Reason.NOT_FOUND) {
                    return; // created on write
                }
                if (e.reason() != PathRefusedException.Reason.DIRECTORY) {
                    throw refused(rel, e);
                }
            }
        }
    }

    private static ConfigRefusedException refused(String rel, PathRefusedException e) {
        return new ConfigRefusedException("refusing " + rel + ": " + e.getMessage());
    }
}
