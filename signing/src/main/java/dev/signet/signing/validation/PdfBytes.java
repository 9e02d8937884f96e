package dev.signet.signing.validation;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** Random access to the raw bytes of the file being validated, without loading it whole. */
final class PdfBytes implements Closeable {
    private final FileChannel channel;
    private final long length;

    PdfBytes(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.length = channel.size();
    }

    long length() {
        return length;
    }

    byte[] read(long offset, int count) throws IOException {
        if (offset < 0 || count < 0 || offset + count > length) throw new IOException("read outside the file");
        ByteBuffer buf = ByteBuffer.allocate(count);
        while (buf.hasRemaining()) {
            if (channel.read(buf, offset + buf.position()) < 0) throw new IOException("unexpected end of file");
        }
        return buf.array();
    }

    /** Feeds [offset, offset+count) to the digest in 64 KiB pieces. */
    void digest(MessageDigest md, long offset, long count) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long pos = offset;
        long end = offset + count;
        while (pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            int n = channel.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            md.update(buf.array(), 0, n);
            pos += n;
        }
    }

    /** Offset just past the last "%%EOF" (and its end-of-line) found in [from, length), or -1. */
    long endOfLastEofMarker(long from) throws IOException {
        byte[] marker = "%%EOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int window = (int) Math.min(length - from, 4096);
        if (window < marker.length) return -1;
        byte[] tail = read(length - window, window);
        for (int i = tail.length - marker.length; i >= 0; i--) {
            boolean match = true;
            for (int j = 0; j < marker.length && match; j++) match = tail[i + j] == marker[j];
            if (match) {
                int k = i + marker.length;
                while (k < tail.length && isWhite(tail[k])) k++;
                return k == tail.length ? length : -1;
            }
        }
        return -1;
    }

    static boolean isWhite(byte b) {
        return b == ' ' || b == '\r' || b == '\n' || b == '\t' || b == '\f' || b == 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
