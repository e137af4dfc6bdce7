package org.bootproxy.spi.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.FileTime;

/**
 * A regular file under a {@link ServedRoot}, opened for reading. The channel was opened without
 * following any symbolic link, so it is the file that passed the checks even if the tree changed
 * afterwards. Not thread-safe; close it when done.
 *
 * @param relativePath the normalized path below the root ({@code a/b/c}), for logs
 * @param channel the open file, positioned at 0
 * @param size the file's size when it was opened
 * @param lastModified its modification time when it was opened
 * @param fileKey device and inode (or {@code null} where the platform has none), for ETags
 */
public record ServedFile(String relativePath, FileChannel channel, long size, FileTime lastModified, Object fileKey)
        implements AutoCloseable {

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
