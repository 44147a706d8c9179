package io.basalt.admin.api;

import java.util.List;

/**
 * A registered initiator.
 *
 * @param iqn       its iSCSI name
 * @param chap      its CHAP settings (names only), or null when it logs in without CHAP
 * @param exports   volumes exported to it
 * @param createdAt ISO-8601
 */
public record HostView(String iqn, ChapView chap, List<String> exports, String createdAt) {
}
