package dev.sparkembed.embed.jobs;

/**
 * A table as the database stores its name (case as stored), found through JDBC metadata. Driver
 * only.
 */
record TableRef(String catalog, String schema, String name) {

  /** The schema-qualified, quoted name for SQL. */
  String sql(VectorDialect dialect) {
    return schema == null || schema.isEmpty()
        ? dialect.quote(name)
        : dialect.quote(schema) + "." + dialect.quote(name);
  }

  /** A sibling table in the same schema. */
  TableRef sibling(String otherName) {
    return new TableRef(catalog, schema, otherName);
  }

  @Override
  public String toString() {
    return schema == null || schema.isEmpty() ? name : schema + "." + name;
  }
}
