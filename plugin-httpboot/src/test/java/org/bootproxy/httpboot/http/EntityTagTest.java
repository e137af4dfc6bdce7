package org.bootproxy.httpboot.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EntityTagTest {

    private static final FileTime T = FileTime.from(Instant.parse("2026-01-01T00:00:00.123456Z"));
    private final EntityTag tag = new EntityTag("abc-1");

    @Test
    void of_changesWithInodeSizeAndTime() {
        EntityTag base = EntityTag.of("(dev=1,ino=2)", 10, T);

        assertThat(EntityTag.of("(dev=1,ino=2)", 10, T)).isEqualTo(base);
        assertThat(EntityTag.of("(dev=1,ino=3)", 10, T)).isNotEqualTo(base);
        assertThat(EntityTag.of("(dev=1,ino=2)", 11, T)).isNotEqualTo(base);
        assertThat(EntityTag.of("(dev=1,ino=2)", 10, FileTime.from(Instant.parse("2026-01-01T00:00:00.123457Z"))))
                .isNotEqualTo(base);
        assertThat(base.toString()).startsWith("\"").endsWith("\"");
    }

    @Test
    void ifNoneMatch_usesWeakComparison() {
        assertThat(tag.matchesIfNoneMatch("\"abc-1\"")).isTrue();
        assertThat(tag.matchesIfNoneMatch("W/\"abc-1\"")).isTrue();
        assertThat(tag.matchesIfNoneMatch("\"x\", \"abc-1\"")).isTrue();
        assertThat(tag.matchesIfNoneMatch("*")).isTrue();
        assertThat(tag.matchesIfNoneMatch("\"abc-2\"")).isFalse();
        assertThat(tag.matchesIfNoneMatch("abc-1")).isFalse();
        assertThat(tag.matchesIfNoneMatch("\"abc-1")).isFalse();
        assertThat(tag.matchesIfNoneMatch("")).isFalse();
    }

    @Test
    void ifRange_usesStrongComparison() {
        assertThat(tag.matchesIfRange("\"abc-1\"")).isTrue();
        assertThat(tag.matchesIfRange("W/\"abc-1\"")).isFalse();
        assertThat(tag.matchesIfRange("\"abc-2\"")).isFalse();
    }

    @Test
    void constructor_refusesCharactersNotAllowedInATag() {
        assertThatThrownBy(() -> new EntityTag("a\"b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a\"b");
        assertThatThrownBy(() -> new EntityTag("a b")).isInstanceOf(IllegalArgumentException.class);
    }
}
