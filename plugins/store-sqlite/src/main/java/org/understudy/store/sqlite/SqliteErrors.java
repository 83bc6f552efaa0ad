package org.understudy.store.sqlite;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns SQLite failures into messages a person can act on. */
final class SqliteErrors {

    private SqliteErrors() {
    }

    static String describe(Throwable e) {
        if (e instanceof SQLiteException s) {
            SQLiteErrorCode code = s.getResultCode();
            String base = code.name().startsWith("SQLITE_FULL") ? "disk full"
                    : code.name().startsWith("SQLITE_READONLY") ? "database is read-only"
                    : code.name().startsWith("SQLITE_IOERR") ? "disk I/O error"
                    : code.name().startsWith("SQLITE_CORRUPT") ? "database file is corrupt"
                    : code.name().startsWith("SQLITE_CANTOPEN") ? "cannot open the database file"
                    : null;
            return base == null ? s.getMessage() : base + " (" + code.name() + ")";
        }
        if (e instanceof SQLException s) {
            return s.getMessage();
        }
        return org.understudy.api.Errors.describe(e);
    }
}
