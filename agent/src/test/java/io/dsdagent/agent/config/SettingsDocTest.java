package io.dsdagent.agent.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's configuration table lists every {@link Setting} with its property and default. */
class SettingsDocTest {
    @Test
    void readmeTableListsEverySettingWithPropertyAndDefault() throws Exception {
        Path readme = Paths.get("..", "README.md");
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        for (Setting s : Setting.values()) {
            String prefix = "| `" + s.env() + "` | `" + s.property() + "` |";
            String row = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
            assertTrue(row != null, "README has no row starting with " + prefix);
            if (!s.defaultValue().isEmpty()) {
                assertTrue(row.contains("`" + s.defaultValue() + "`"), "README row of " + s.env()
                        + " does not give the default `" + s.defaultValue() + "`: " + row);
            }
        }
    }
}
