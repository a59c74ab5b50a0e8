package dev.etcdsnapshot.operator.node;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renews this agent's Lease on a fixed period until closed. */
public final class AgentHeartbeat implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentHeartbeat.class);

  private final ScheduledExecutorService timer;

  private AgentHeartbeat(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Renews once now (so the node counts as live before the agent reconciles anything), then every period. */
  public static AgentHeartbeat start(AgentLeases leases, String node, String identity, Duration period) {
    leases.renew(node, identity);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "agent-lease-" + node);
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        leases.renew(node, identity);
      } catch (RuntimeException e) {
        // The Lease expires if this keeps failing, and the leader then reports the node as gone.
        LOG.warn("Could not renew the agent Lease of node {}: {}", node, e.getMessage());
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return new AgentHeartbeat(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
