package io.basalt.target.daemon;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.basalt.admin.config.BasaltConfiguration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** The daemon's YAML: Dropwizard's sections, {@code basalt:} (admin-api) and {@code iscsi:}. */
public class DaemonConfiguration extends BasaltConfiguration {
    @Valid
    @NotNull
    private IscsiSettings iscsi = new IscsiSettings();

    @JsonProperty
    public IscsiSettings getIscsi() {
        return iscsi;
    }

    @JsonProperty
    public void setIscsi(IscsiSettings iscsi) {
        this.iscsi = iscsi;
    }
}
