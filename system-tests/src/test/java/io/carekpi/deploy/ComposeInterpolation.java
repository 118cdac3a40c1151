package io.carekpi.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Compose's variable interpolation of a loaded compose file, enough to read ours as {@code docker
 * compose} would: {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}},
 * {@code ${VAR:?error}}, {@code ${VAR?error}} and {@code $$} for a literal {@code $}. A required
 * variable that is unset fails, as compose refuses to start then.
 */
final class ComposeInterpolation {
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private ComposeInterpolation() {}

    /**
     * A compose file as Compose reads it: YAML with merge keys resolved (SnakeYAML does, as
     * compose does; Jackson's YAML reader would keep {@code <<} as a key), then interpolated.
     */
    static JsonNode load(String text, Map<String, String> env) {
        Object tree = new Yaml(new LoaderOptions()).load(text);
        return new ObjectMapper().valueToTree(interpolate(tree, env));
    }

    static Object interpolate(Object value, Map<String, String> env) {
        if (value instanceof String s) {
            return interpolate(s, env);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, interpolate(v, env)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(interpolate(v, env)));
            return out;
        }
        return value;
    }

    static String interpolate(String text, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(resolve(m, env)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String resolve(Matcher m, Map<String, String> env) {
        if (m.group().equals("$$")) {
            return "$";
        }
        String name = m.group(1) != null ? m.group(1) : m.group(4);
        String value = env.get(name);
        String operator = m.group(2);
        if (operator == null) {
            return value == null ? "" : value;
        }
        boolean emptyIsUnset = operator.startsWith(":");
        boolean unset = value == null || (emptyIsUnset && value.isEmpty());
        if (!unset) {
            return value;
        }
        if (operator.endsWith("?")) {
            throw new IllegalStateException("required variable " + name + " is missing a value: " + m.group(3));
        }
        return m.group(3);
    }
}
