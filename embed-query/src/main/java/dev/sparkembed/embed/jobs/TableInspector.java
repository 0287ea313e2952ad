package dev.sparkembed.embed.jobs;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds tables, columns and unique keys through JDBC metadata, matching names the way an unquoted
 * SQL name would (case-insensitively), and returning them as stored. Driver only.
 */
final class TableInspector {
  private final Connection conn;
  private final DatabaseMetaData md;

  TableInspector(Connection conn) throws SQLException {
    this.conn = conn;
    this.md = conn.getMetaData();
  }

  /** Every table or view the user's name can mean; empty when none. */
  List<TableRef> find(String given) throws SQLException {
    String schema = null;
    String name = given;
    int dot = given.lastIndexOf('.');
    if (dot > 0) {
      schema = given.substring(0, dot);
      name = given.substring(dot + 1);
    }
    Set<TableRef> found = new LinkedHashSet<>();
    for (String variant : caseVariants(name)) {
      try (ResultSet rs = md.getTables(null, null, escape(variant), null)) {
        while (rs.next()) {
          String type = String.valueOf(rs.getString("TABLE_TYPE")).toUpperCase(Locale.ROOT);
          String tableSchema = rs.getString("TABLE_SCHEM");
          if (type.contains("SYSTEM") || type.contains("INDEX") || type.contains("SEQUENCE")) {
            continue;
          }
          if (schema != null && !schema.equalsIgnoreCase(tableSchema)) {
            continue;
          }
          if (rs.getString("TABLE_NAME").equalsIgnoreCase(name)) {
            found.add(
                new TableRef(rs.getString("TABLE_CAT"), tableSchema, rs.getString("TABLE_NAME")));
          }
        }
      }
    }
    List<TableRef> all = new ArrayList<>(found);
    if (all.size() > 1) {
      // An unquoted name means the one in the current schema, as SQL would resolve it.
      String current = conn.getSchema();
      List<TableRef> inCurrent =
          all.stream().filter(t -> t.schema() != null && t.schema().equals(current)).toList();
      if (inCurrent.size() == 1) {
        return inCurrent;
      }
      List<TableRef> exact = all.stream().filter(t -> t.name().equals(given)).toList();
      if (exact.size() == 1) {
        return exact;
      }
    }
    return all;
  }

  /** Columns in table order. */
  List<ColumnInfo> columns(TableRef table) throws SQLException {
    List<ColumnInfo> out = new ArrayList<>();
    try (ResultSet rs =
        md.getColumns(table.catalog(), escape(table.schema()), escape(table.name()), "%")) {
      while (rs.next()) {
        out.add(
            new ColumnInfo(
                rs.getString("COLUMN_NAME"),
                rs.getInt("DATA_TYPE"),
                rs.getString("TYPE_NAME"),
                rs.getInt("COLUMN_SIZE"),
                rs.getInt("DECIMAL_DIGITS")));
      }
    }
    return out;
  }

  /** The column a user's name means (exact match first, then ignoring case), or null. */
  static ColumnInfo column(List<ColumnInfo> columns, String given) {
    for (ColumnInfo c : columns) {
      if (c.name().equals(given)) {
        return c;
      }
    }
    for (ColumnInfo c : columns) {
      if (c.name().equalsIgnoreCase(given)) {
        return c;
      }
    }
    return null;
  }

  static List<String> names(List<ColumnInfo> columns) {
    return columns.stream().map(ColumnInfo::name).toList();
  }

  /** Whether a primary key or unique index covers exactly this one column. */
  boolean uniqueOn(TableRef table, String column) {
    try {
      List<String> pk = new ArrayList<>();
      try (ResultSet rs = md.getPrimaryKeys(table.catalog(), table.schema(), table.name())) {
        while (rs.next()) {
          pk.add(rs.getString("COLUMN_NAME"));
        }
      }
      if (pk.size() == 1 && pk.get(0).equals(column)) {
        return true;
      }
      Map<String, List<String>> indexes = new HashMap<>();
      try (ResultSet rs =
          md.getIndexInfo(table.catalog(), table.schema(), table.name(), true, true)) {
        while (rs.next()) {
          String index = rs.getString("INDEX_NAME");
          String col = rs.getString("COLUMN_NAME");
          if (index != null && col != null && !rs.getBoolean("NON_UNIQUE")) {
            indexes.computeIfAbsent(index, k -> new ArrayList<>()).add(col);
          }
        }
      }
      return indexes.values().stream()
          .anyMatch(cols -> cols.size() == 1 && cols.get(0).equals(column));
    } catch (SQLException e) {
      // Views and some drivers have no index metadata: the caller counts distinct ids instead.
      return false;
    }
  }

  private String escape(String pattern) throws SQLException {
    if (pattern == null) {
      return null;
    }
    String esc = md.getSearchStringEscape();
    if (esc == null || esc.isEmpty()) {
      return pattern;
    }
    return pattern.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
  }

  private static List<String> caseVariants(String name) {
    Set<String> v = new LinkedHashSet<>();
    v.add(name);
    v.add(name.toUpperCase(Locale.ROOT));
    v.add(name.toLowerCase(Locale.ROOT));
    return new ArrayList<>(v);
  }
}
