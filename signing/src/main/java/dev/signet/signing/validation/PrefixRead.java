package dev.signet.signing.validation;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.io.RandomAccessReadView;

/**
 * The first {@code length} bytes of a file, as PDFBox reads a document: an earlier revision of an
 * incrementally updated PDF is exactly such a prefix.
 */
final class PrefixRead implements RandomAccessRead {
    private final RandomAccessReadBufferedFile file;
    private final long length;

    PrefixRead(Path path, long length) throws IOException {
        this.file = new RandomAccessReadBufferedFile(path.toFile());
        this.length = Math.min(length, file.length());
    }

    @Override
    public int read() throws IOException {
        return file.getPosition() >= length ? -1 : file.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        long left = length - file.getPosition();
        if (left <= 0) return -1;
        return file.read(b, off, (int) Math.min(len, left));
    }

    @Override
    public long getPosition() throws IOException {
        return file.getPosition();
    }

    @Override
    public void seek(long position) throws IOException {
        file.seek(Math.min(position, length));
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public boolean isClosed() {
        return file.isClosed();
    }

    @Override
    public boolean isEOF() throws IOException {
        return file.getPosition() >= length;
    }

    @Override
    public RandomAccessReadView createView(long start, long len) throws IOException {
        if (start + len > length) len = Math.max(0, length - start);
        return file.createView(start, len);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
