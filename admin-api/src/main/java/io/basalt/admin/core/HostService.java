package io.basalt.admin.core;

import io.basalt.admin.errors.ApiException;
import io.basalt.coordination.ClusterStore;
import io.basalt.coordination.StoreException;
import io.basalt.coordination.Versioned;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered initiators with their CHAP credentials, and the discovery CHAP credentials, kept
 * in ZooKeeper so every node's iSCSI portal applies the same ones.
 *
 * <p>Secrets pass through here on their way to ZooKeeper and are never logged.
 */
public final class HostService {
    private static final Logger LOG = LoggerFactory.getLogger(HostService.class);
    private static final int ATTEMPTS = 16;
    private final ClusterStore store;

    public HostService(ClusterStore store) {
        this.store = store;
    }

    /** Registers a host; an identical registration is not an error, a different one is 409. */
    public Created<HostRecord> create(String iqn, ChapSecrets chap) {
        checkMutualDiffers(chap);
        HostRecord wanted = new HostRecord(iqn, chap, System.currentTimeMillis());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<HostRecord> existing = find(iqn);
            if (existing.isPresent()) {
                if (sameSpec(existing.get().chap(), chap)) {
                    return new Created<>(existing.get(), false);
                }
                throw ApiException.conflict("host_exists", "host " + iqn + " is registered with other CHAP settings; "
                        + "change them with PUT /hosts/" + iqn + "/chap");
            }
            try {
                store.create(ClusterPaths.host(iqn), wanted);
                LOG.info("registered host {} with CHAP {}", iqn, chap);
                return new Created<>(wanted, true);
            } catch (StoreException e) {
                if (e.kind() != StoreException.Kind.ALREADY_EXISTS) {
                    throw e;
                }
            }
        }
        throw ApiException.conflict("concurrent_update", "host " + iqn + " is being changed concurrently; retry");
    }

    public List<HostRecord> list() {
        return store.readChildren(ClusterPaths.HOSTS, HostRecord.class).values().stream().map(Versioned::value).toList();
    }

    public Optional<HostRecord> find(String iqn) {
        if (!Names.isIscsi(iqn)) {
            return Optional.empty();
        }
        return store.read(ClusterPaths.host(iqn), HostRecord.class).map(Versioned::value);
    }

    public HostRecord get(String iqn) {
        return find(iqn).orElseThrow(() -> ApiException.notFound("host_not_found", "no host " + iqn));
    }

    /** Replaces (or with null removes) a host's CHAP credentials. */
    public HostRecord setChap(String iqn, ChapSecrets chap) {
        checkMutualDiffers(chap);
        get(iqn);
        try {
            HostRecord h = store.modify(ClusterPaths.host(iqn), HostRecord.class, r -> r.withChap(chap)).value();
            LOG.info("set CHAP of host {} to {}", iqn, chap);
            return h;
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.NOT_FOUND) {
                throw ApiException.notFound("host_not_found", "no host " + iqn);
            }
            throw e;
        }
    }

    /**
     * Unregisters a host; a missing one is already gone. Refused while an export lists it: the
     * export's ACL would silently lose the CHAP requirement. The exports parent's version
     * guards against an export naming this host being created meanwhile.
     */
    public void delete(String iqn, ExportService exports) {
        if (!Names.isIscsi(iqn)) {
            return;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Integer> guard = store.version(ClusterPaths.EXPORTS);
            List<String> using = exports.list().stream().filter(e -> e.initiators().contains(iqn)).map(ExportRecord::volume).toList();
            if (!using.isEmpty()) {
                throw ApiException.conflict("host_in_use", "host " + iqn + " is an initiator of the exports of " + using
                        + "; remove it from them first");
            }
            try {
                store.transaction().check(ClusterPaths.EXPORTS, guard.orElse(-1)).delete(ClusterPaths.host(iqn), -1).commit();
                LOG.info("unregistered host {}", iqn);
                return;
            } catch (StoreException e) {
                if (e.kind() == StoreException.Kind.NOT_FOUND) {
                    return;
                }
                if (e.kind() != StoreException.Kind.VERSION_CONFLICT) {
                    throw e;
                }
            }
        }
        throw ApiException.conflict("concurrent_update", "exports are changing concurrently; retry");
    }

    // ------------------------------------------------------------------ discovery CHAP

    public Optional<ChapSecrets> discoveryChap() {
        return store.read(ClusterPaths.DISCOVERY_CHAP, ChapSecrets.class).map(Versioned::value);
    }

    public ChapSecrets setDiscoveryChap(ChapSecrets chap) {
        checkMutualDiffers(chap);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Integer> version = store.version(ClusterPaths.DISCOVERY_CHAP);
            try {
                if (version.isPresent()) {
                    store.update(ClusterPaths.DISCOVERY_CHAP, chap, version.get());
                } else {
                    store.create(ClusterPaths.DISCOVERY_CHAP, chap);
                }
                LOG.info("set discovery CHAP to {}", chap);
                return chap;
            } catch (StoreException e) {
                if (e.kind() != StoreException.Kind.VERSION_CONFLICT && e.kind() != StoreException.Kind.ALREADY_EXISTS
                        && e.kind() != StoreException.Kind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        throw ApiException.conflict("concurrent_update", "discovery CHAP is being changed concurrently; retry");
    }

    public void clearDiscoveryChap() {
        if (store.delete(ClusterPaths.DISCOVERY_CHAP)) {
            LOG.info("discovery CHAP disabled");
        }
    }

    private static boolean sameSpec(ChapSecrets a, ChapSecrets b) {
        return a == null ? b == null : a.sameAs(b);
    }

    /** RFC 7143 §9.2.1: a secret must not be used in both directions. */
    private static void checkMutualDiffers(ChapSecrets chap) {
        if (chap != null && chap.mutualReusesSecret()) {
            throw ApiException.invalidField("chap.mutualSecret", "must differ from chap.secret");
        }
    }
}
