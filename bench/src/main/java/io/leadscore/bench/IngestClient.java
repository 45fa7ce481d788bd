package io.leadscore.bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection that POSTs JSON and reads only the status, for the ingest scenarios. The load
 * generator shares the machine's cores with the service it measures: {@code java.net.http.HttpClient} spent more CPU
 * per single-event request (about 400 µs) than ingest itself, so it capped the figure. This client writes one
 * pre-built request per call and parses the bare minimum (status line, Content-Length or chunked, Connection: close).
 * Not thread-safe: one per worker.
 */
final class IngestClient implements Closeable {

    private final String host;
    private final int port;
    private final byte[] headPrefix;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    IngestClient(String baseUrl, String path, String token) {
        URI uri = URI.create(baseUrl);
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 80 : uri.getPort();
        this.headPrefix = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: Bearer "
                + token + "\r\nContent-Type: application/json\r\nContent-Length: ")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The status of one POST; a broken connection is reopened once. */
    int post(byte[] body) throws IOException {
        byte[] request = request(body);
        try {
            return exchange(request);
        } catch (IOException e) {
            close();
            return exchange(request);
        }
    }

    private byte[] request(byte[] body) {
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headPrefix.length + length.length + body.length];
        System.arraycopy(headPrefix, 0, request, 0, headPrefix.length);
        System.arraycopy(length, 0, request, headPrefix.length, length.length);
        System.arraycopy(body, 0, request, headPrefix.length + length.length, body.length);
        return request;
    }

    private int exchange(byte[] request) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }
        out.write(request);
        out.flush();
        String statusLine = line();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = 0;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closeAfter = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line().trim(), 16); size > 0; size = Long.parseLong(line().trim(), 16)) {
                skip(size);
                line();
            }
            line();
        } else {
            skip(length);
        }
        if (closeAfter) {
            close();
        }
        return status;
    }

    private String line() throws IOException {
        var b = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection closed");
                }
                skipped = 1;
            }
            n -= skipped;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a broken connection.
            }
            socket = null;
        }
    }
}
