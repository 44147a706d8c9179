package io.basalt.target.daemon;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.basalt.target.iscsi.IscsiServer;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

/** The {@code iscsi:} section: where the portal listens and how many threads serve it. */
public class IscsiSettings {
    @NotEmpty
    @Pattern(regexp = "[^:]+:\\d{1,5}", message = "must be HOST:PORT")
    private String portal = "127.0.0.1:3260";

    @Min(1)
    @Max(64)
    private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

    @Min(1)
    @Max(256)
    // Workers append writes, read what memory does not hold, and one of them may run the
    // log's syncs under a durable load (WriteBatch): more than the cores, as a pool that
    // waits for the disk needs.
    private int workerThreads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    /** How long an event loop polls for the next command after answering a read from memory itself; 0 = never. */
    @Min(0)
    @Max(1000)
    private long readPollMicros = IscsiServer.DEFAULT_READ_POLL_MICROS;

    @JsonProperty
    public long getReadPollMicros() {
        return readPollMicros;
    }

    @JsonProperty
    public void setReadPollMicros(long readPollMicros) {
        this.readPollMicros = readPollMicros;
    }

    @JsonProperty
    public String getPortal() {
        return portal;
    }

    @JsonProperty
    public void setPortal(String portal) {
        this.portal = portal;
    }

    @JsonProperty
    public int getIoThreads() {
        return ioThreads;
    }

    @JsonProperty
    public void setIoThreads(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    @JsonProperty
    public int getWorkerThreads() {
        return workerThreads;
    }

    @JsonProperty
    public void setWorkerThreads(int workerThreads) {
        this.workerThreads = workerThreads;
    }

    String host() {
        return portal.substring(0, portal.lastIndexOf(':'));
    }

    int port() {
        return Integer.parseInt(portal.substring(portal.lastIndexOf(':') + 1));
    }
}
