/** ZooKeeper membership, placement, per-volume leadership with epochs, replication and catch-up. */
package io.basalt.coordination;
