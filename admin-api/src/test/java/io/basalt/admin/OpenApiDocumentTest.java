package io.basalt.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.basalt.admin.resources.PingResource;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml is the served document, and it describes every resource method there is. */
class OpenApiDocumentTest {
    private static final java.nio.file.Path DOCS = java.nio.file.Path.of("..", "docs", "openapi.yaml");

    private static byte[] served() throws IOException {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/openapi.yaml")) {
            return in.readAllBytes();
        }
    }

    @Test
    void theServedCopyIsIdenticalToDocsOpenapiYaml() throws IOException {
        assertTrue(Files.exists(DOCS), "run from the admin-api module directory: " + DOCS.toAbsolutePath());
        assertEquals(Files.readString(DOCS), new String(served(), java.nio.charset.StandardCharsets.UTF_8),
                "admin-api/src/main/resources/openapi.yaml must be a copy of docs/openapi.yaml");
    }

    @Test
    void everyResourceMethodIsDocumentedAndNothingElse() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(served());
        assertTrue(doc.get("openapi").asText().startsWith("3.0"));
        Set<String> implemented = new TreeSet<>();
        for (Class<?> c : resourceClasses()) {
            String path = c.getAnnotation(Path.class).value();
            for (Method m : c.getDeclaredMethods()) {
                for (Annotation a : m.getAnnotations()) {
                    HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
                    if (verb != null) {
                        implemented.add(path + " " + verb.value().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        for (var p : doc.get("paths").properties()) {
            for (var verb : p.getValue().properties()) {
                if (!verb.getKey().equals("parameters")) {
                    documented.add(p.getKey() + " " + verb.getKey());
                }
            }
        }
        assertFalse(implemented.isEmpty());
        assertEquals(implemented, documented);
    }

    @Test
    void everySchemaReferenceResolves() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(served());
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), ref);
            assertFalse(doc.at(ref.substring(1)).isMissingNode(), "dangling " + ref);
        }
    }

    private static void collectRefs(JsonNode n, List<String> out) {
        if (n.isObject()) {
            for (var e : n.properties()) {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            }
        } else if (n.isArray()) {
            n.forEach(c -> collectRefs(c, out));
        }
    }

    private static List<Class<?>> resourceClasses() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(PingResource.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(PingResource.class.getPackageName().replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) {
                String file = f.getFileName().toString();
                if (file.endsWith(".class") && !file.contains("$")) {
                    Class<?> c = Class.forName(PingResource.class.getPackageName() + "." + file.substring(0, file.length() - 6));
                    if (c.isAnnotationPresent(Path.class)) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }
}
