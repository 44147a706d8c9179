package io.basalt.engine;

/**
 * A position {@code n} in a lineage: a block (memtable, index invalidation) or a run of blocks
 * (location cache). equals and hashCode are written out: the generated ones of a record go
 * through method handles, a few percent of a read served from memory.
 */
record LineageKey(long lineage, long n) {
    @Override
    public boolean equals(Object o) {
        return o instanceof LineageKey k && k.lineage == lineage && k.n == n;
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(lineage) + Long.hashCode(n);
    }
}
