package io.basalt.admin.core;

/**
 * An initiator known to the cluster, stored at {@code /basalt/hosts/<iqn>}.
 *
 * @param iqn           the initiator's iSCSI name
 * @param chap          CHAP credentials it must use, or null for none
 * @param createdMillis creation time
 */
public record HostRecord(String iqn, ChapSecrets chap, long createdMillis) {
    public HostRecord withChap(ChapSecrets newChap) {
        return new HostRecord(iqn, newChap, createdMillis);
    }
}
