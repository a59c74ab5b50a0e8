package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcdsnapshot.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Every command line the docs show, and the one the chart runs, uses a subcommand and flags the CLI has, so a
 * renamed flag breaks this test instead of a user's restore.
 */
class DocumentedCommandsTest {

  private static final Pattern FENCE = Pattern.compile("```(?:sh)?\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern INVOCATION = Pattern.compile("etcd-snapshot-operator\\.jar\\s+(.*)");

  @TempDir Path tmp;

  @Test
  void everyDocumentedInvocationUsesExistingSubcommandsAndFlags() throws IOException {
    List<String> invocations = documentedInvocations();
    assertThat(invocations).as("invocations found in the docs").hasSizeGreaterThanOrEqualTo(5);

    List<String> problems = new ArrayList<>();
    for (String line : invocations) {
      List<String> words = List.of(line.trim().split("\\s+"));
      if (words.get(0).startsWith("-")) {
        words.stream().filter(w -> Cli.commandLine().getCommandSpec().findOption(w) == null)
            .forEach(w -> problems.add("the command has no option " + w));
      } else {
        problems.addAll(unknown(words.get(0), words.subList(1, words.size())));
      }
    }
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"k3s,daemonset", "rke2,daemonset", "kubeadm,daemonset", "k3s,deployment"})
  void theChartRunsTheOperatorCommandWithArgumentsItAccepts(String preset, String mode) {
    Map<String, Object> values = new HashMap<>(Map.of("preset", preset, "mode", mode,
        "operator", Map.of("watchNamespaces", List.of("a", "b"))));
    if (mode.equals("deployment")) {
      values.put("etcd", Map.of("endpoints", List.of("https://etcd-0:2379", "https://etcd-1:2379")));
      values.put("deployment", Map.of("certsSecret", Map.of("name", "etcd-client")));
    }
    Manifests m = Chart.render(tmp, values);
    JsonNode args = m.get(mode.equals("deployment") ? "Deployment" : "DaemonSet", Chart.RELEASE)
        .at("/spec/template/spec/containers/0/args");
    List<String> words = new ArrayList<>();
    args.forEach(a -> words.add(a.asText()));

    assertThat(words.get(0)).isEqualTo("operator");
    assertThat(unknown("operator", words.subList(1, words.size()))).isEmpty();
    CommandLine.ParseResult parsed = Cli.commandLine().parseArgs(words.toArray(String[]::new));
    CommandLine.ParseResult operator = parsed.subcommand();
    assertThat(operator.commandSpec().name()).isEqualTo("operator");
    assertThat(operator.matchedOptionValue("--namespace", List.<String>of())).containsExactly("a", "b");
    assertThat(operator.matchedOptionValue("--metrics-port", 0)).isEqualTo(9794);
  }

  @Test
  void theCheckNoticesAnUnknownFlag() {
    assertThat(unknown("verify", List.of("--dir", "/x", "--no-such-flag", "name"))).hasSize(1);
    assertThat(unknown("restore", List.of())).hasSize(1);
  }

  private static List<String> unknown(String subcommand, List<String> args) {
    CommandLine sub = Cli.commandLine().getSubcommands().get(subcommand);
    if (sub == null) {
      return List.of("no subcommand " + subcommand);
    }
    List<String> out = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("-") && !a.equals("-")) {
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        if (sub.getCommandSpec().findOption(name) == null) {
          out.add(subcommand + " has no option " + name);
        }
      }
    }
    return out;
  }

  private static List<String> documentedInvocations() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> files = Files.list(GeneratedFiles.OPERATOR.resolve("docs"))) {
      docs.addAll(files.filter(p -> p.toString().endsWith(".md")).toList());
    }
    List<String> out = new ArrayList<>();
    for (Path doc : docs) {
      Matcher block = FENCE.matcher(Files.readString(doc));
      while (block.find()) {
        String joined = block.group(1).replaceAll("\\\\\\n\\s*", " ");
        for (String line : joined.split("\\n")) {
          Matcher m = INVOCATION.matcher(line);
          if (m.find() && !m.group(1).contains("...")) {
            out.add(m.group(1).replaceAll("\\s+#.*$", ""));
          }
        }
      }
    }
    return out;
  }
}
