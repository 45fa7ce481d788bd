package io.leadscore.scoring.engine;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An unmodifiable map in two parallel arrays, in insertion order, that allows null values (they remove profile
 * attributes). Facts carry a handful of properties each and a lead's facts are kept in memory while it is active, so
 * this costs a fraction of a {@code LinkedHashMap}; with so few keys a linear scan is also faster than hashing.
 */
final class CompactMap extends AbstractMap<String, Object> {

    private static final CompactMap EMPTY = new CompactMap(new String[0], new Object[0]);

    private final String[] keys;
    private final Object[] values;

    private CompactMap(String[] keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    static Map<String, Object> copyOf(Map<String, ?> source) {
        if (source instanceof CompactMap compact) {
            return compact;
        }
        if (source.isEmpty()) {
            return EMPTY;
        }
        String[] keys = new String[source.size()];
        Object[] values = new Object[keys.length];
        int i = 0;
        for (Map.Entry<String, ?> entry : source.entrySet()) {
            keys[i] = CanonicalStrings.of(
                    java.util.Objects.requireNonNull(entry.getKey(), "property names must not be null"));
            values[i] = entry.getValue() instanceof String text ? CanonicalStrings.of(text) : entry.getValue();
            i++;
        }
        return new CompactMap(keys, values);
    }

    private int indexOf(Object key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean isEmpty() {
        return keys.length == 0;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }
}
