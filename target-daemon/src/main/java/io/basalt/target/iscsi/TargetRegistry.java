package io.basalt.target.iscsi;

import io.basalt.target.login.ChapCredentials;
import io.basalt.target.login.TargetLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The targets this portal serves, their access lists and CHAP credentials. Thread-safe: the
 * admin API changes it while sessions log in.
 */
public final class TargetRegistry implements TargetLookup {
    /**
     * One exported target.
     *
     * @param name        the target's iSCSI name
     * @param port        its SCSI side (LUNs)
     * @param allowAll    any initiator may log in (else only those in {@code initiators})
     * @param initiators  allowed initiator names
     * @param chap        CHAP credentials per initiator name; an initiator listed here must use CHAP
     */
    public record Target(String name, ScsiPort port, boolean allowAll, Set<String> initiators,
                         Map<String, ChapCredentials> chap) {
        public Target {
            initiators = Set.copyOf(initiators);
            chap = Map.copyOf(chap);
        }
    }

    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final Map<String, ChapCredentials> discoveryChap = new ConcurrentHashMap<>();
    private volatile List<String> portals = List.of();
    private volatile IoObserver observer = IoObserver.NONE;

    /** Told of completed I/O and of sessions; its failures are logged, never passed on to I/O ({@link GuardedObserver}). */
    public void setObserver(IoObserver o) {
        this.observer = GuardedObserver.of(o);
    }

    IoObserver observer() {
        return observer;
    }

    /** Addresses SendTargets reports, as "host:port,tpgt". */
    public void setPortals(List<String> addresses) {
        this.portals = List.copyOf(addresses);
    }

    public void put(Target t) {
        targets.put(t.name(), t);
    }

    public void remove(String name) {
        targets.remove(name);
    }

    public Optional<Target> get(String name) {
        return Optional.ofNullable(targets.get(name));
    }

    /** Discovery sessions from this initiator must authenticate with these credentials. */
    public void setDiscoveryChap(String initiator, ChapCredentials creds) {
        if (creds == null) {
            discoveryChap.remove(initiator);
        } else {
            discoveryChap.put(initiator, creds);
        }
    }

    @Override
    public boolean targetExists(String targetName) {
        return targets.containsKey(targetName);
    }

    @Override
    public boolean initiatorAllowed(String targetName, String initiatorName) {
        Target t = targets.get(targetName);
        return t != null && (t.allowAll() || t.initiators().contains(initiatorName) || t.chap().containsKey(initiatorName));
    }

    @Override
    public Optional<ChapCredentials> chapCredentials(String targetName, String initiatorName) {
        Target t = targets.get(targetName);
        return t == null ? Optional.empty() : Optional.ofNullable(t.chap().get(initiatorName));
    }

    @Override
    public Optional<ChapCredentials> discoveryChap(String initiatorName) {
        return Optional.ofNullable(discoveryChap.get(initiatorName));
    }

    /**
     * SendTargets answer (RFC 7143 Appendix C): the targets this initiator may log in to, or
     * only {@code only} when given, each with the portal addresses.
     */
    public List<String[]> sendTargets(String initiatorName, String only) {
        List<String[]> out = new ArrayList<>();
        targets.keySet().stream().sorted().forEach(name -> {
            if ((only == null || only.equals(name)) && initiatorAllowed(name, initiatorName)) {
                out.add(new String[] {"TargetName", name});
                for (String p : portals) {
                    out.add(new String[] {"TargetAddress", p});
                }
            }
        });
        return out;
    }
}
