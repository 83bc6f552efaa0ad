package org.understudy.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Compares configuration records component by component. A record's own {@code equals} is linked at its first
 * call through {@code ObjectMethods} (method handles spun for each record type): 10-20 ms per plugin's
 * configuration on a small box, spent on the lifecycle thread while the devices wait for DNS and the proxy.
 */
final class RecordValues {

    private RecordValues() {
    }

    /** Whether {@code a} and {@code b} are records of the same type with equal components (records and lists compared the same way). */
    static boolean same(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.getClass() != b.getClass()) {
            return false;
        }
        if (a instanceof Record) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                if (!same(value(c, a), value(c, b))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> left) {
            List<?> right = (List<?>) b;
            if (left.size() != right.size()) {
                return false;
            }
            Iterator<?> r = right.iterator();
            for (Object item : left) {
                if (!same(item, r.next())) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static Object value(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getName(), e);
        }
    }
}
