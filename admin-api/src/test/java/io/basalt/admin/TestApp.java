package io.basalt.admin;

import io.basalt.admin.config.BasaltConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;

/** The smallest host of the admin API, as target-daemon's Application will be. */
public class TestApp extends Application<BasaltConfiguration> {
    final RecordingListener listener = new RecordingListener();
    AdminBundle<BasaltConfiguration> bundle;

    @Override
    public void initialize(Bootstrap<BasaltConfiguration> bootstrap) {
        bundle = new AdminBundle<>(BasaltConfiguration::getBasalt, (config, engine) -> listener);
        bootstrap.addBundle(bundle);
    }

    @Override
    public void run(BasaltConfiguration configuration, Environment environment) {
        bundle.nodes().update(bundle.nodes().self().withIscsiPortals(java.util.List.of("127.0.0.1:3260")));
    }
}
