/** The Dropwizard REST admin API: resources, DTOs, auth, health checks and metrics. */
package io.basalt.admin;
