package io.basalt.admin.resources;

import io.basalt.admin.api.HostView;
import io.basalt.admin.core.Chaps;
import io.basalt.admin.core.ExportRecord;
import io.basalt.admin.core.HostRecord;
import io.basalt.admin.core.Times;
import java.util.List;

/** Hosts as shown: CHAP names and flags, never secrets. */
final class HostViews {
    private HostViews() {
    }

    static HostView view(HostRecord h, List<ExportRecord> exports) {
        List<String> volumes = exports.stream().filter(e -> e.initiators().contains(h.iqn())).map(ExportRecord::volume).toList();
        return new HostView(h.iqn(), Chaps.view(h.chap()), volumes, Times.iso(h.createdMillis()));
    }
}
