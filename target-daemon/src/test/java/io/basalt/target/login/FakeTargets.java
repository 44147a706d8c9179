package io.basalt.target.login;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An in-memory {@link TargetLookup} for tests. */
final class FakeTargets implements TargetLookup {
    final Set<String> targets = new HashSet<>();
    final Map<String, Set<String>> acl = new HashMap<>();
    final Map<String, ChapCredentials> chap = new HashMap<>();
    final Map<String, ChapCredentials> discoveryChap = new HashMap<>();
    final Map<String, String> aliases = new HashMap<>();

    FakeTargets target(String name, String... initiators) {
        targets.add(name);
        acl.put(name, new HashSet<>(Set.of(initiators)));
        return this;
    }

    @Override
    public boolean targetExists(String targetName) {
        return targets.contains(targetName);
    }

    @Override
    public boolean initiatorAllowed(String targetName, String initiatorName) {
        return acl.getOrDefault(targetName, Set.of()).contains(initiatorName);
    }

    @Override
    public Optional<ChapCredentials> chapCredentials(String targetName, String initiatorName) {
        return Optional.ofNullable(chap.get(targetName + "|" + initiatorName));
    }

    @Override
    public Optional<ChapCredentials> discoveryChap(String initiatorName) {
        return Optional.ofNullable(discoveryChap.get(initiatorName));
    }

    @Override
    public Optional<String> targetAlias(String targetName) {
        return Optional.ofNullable(aliases.get(targetName));
    }
}
