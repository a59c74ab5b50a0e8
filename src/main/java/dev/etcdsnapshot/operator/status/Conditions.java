package dev.etcdsnapshot.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sets standard Kubernetes conditions on a status list, touching {@code lastTransitionTime} only when the status
 * value flips and reporting whether anything changed, so a status is written only when it changed.
 */
public final class Conditions {

  /** {@code Ready}: the resource is valid and its storage usable. */
  public static final String READY = "Ready";

  /** {@code Degraded}: the last run, or part of it, failed. */
  public static final String DEGRADED = "Degraded";

  private Conditions() {}

  /**
   * Sets one condition.
   *
   * @param conditions the list to change (may be {@code null})
   * @return the new list, or empty when it would be unchanged
   */
  public static Optional<List<Condition>> set(List<Condition> conditions, String type, boolean status,
      String reason, String message, Long generation, Instant now) {
    List<Condition> list = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
    String value = status ? "True" : "False";
    Condition old = find(list, type).orElse(null);
    if (old != null && value.equals(old.getStatus()) && Objects.equals(reason, old.getReason())
        && Objects.equals(message, old.getMessage()) && Objects.equals(generation, old.getObservedGeneration())) {
      return Optional.empty();
    }
    String transition = old != null && value.equals(old.getStatus()) ? old.getLastTransitionTime() : now.toString();
    Condition next = new ConditionBuilder().withType(type).withStatus(value).withReason(reason)
        .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(transition).build();
    list.removeIf(c -> type.equals(c.getType()));
    list.add(next);
    list.sort((a, b) -> a.getType().compareTo(b.getType()));
    return Optional.of(list);
  }

  /** The condition of that type, if present. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** True when the condition is present with status True. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
