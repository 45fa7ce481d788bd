package io.leadscore.ingest.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-delimited lines from a stream without ever holding more than one line (capped at {@code maxLineBytes})
 * in memory, so a multi-gigabyte import streams through in constant memory.
 */
public final class NdjsonLineReader {

    /** One line: its 1-based number, its text, or {@code tooLong} when it exceeded the cap (text is then null). */
    public record Line(long number, String text, boolean tooLong, long bytes) {
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long lineNumber;
    private boolean eof;

    public NdjsonLineReader(InputStream in, int maxLineBytes) {
        // Always buffer: the request stream may do real work per read() call.
        this.in = new java.io.BufferedInputStream(in, 64 * 1024);
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the stream. */
    public Line next() throws IOException {
        if (eof) {
            return null;
        }
        buffer.reset();
        long bytes = 0;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            bytes++;
            if (bytes <= maxLineBytes) {
                buffer.write(b);
            }
        }
        if (b == -1) {
            eof = true;
            if (bytes == 0) {
                return null;
            }
        }
        lineNumber++;
        if (bytes > maxLineBytes) {
            return new Line(lineNumber, null, true, bytes);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        return new Line(lineNumber, text, false, bytes);
    }
}
