using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Warden.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsageRecordsOccurredAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // IF NOT EXISTS: on a large ledger an operator may build it beforehand without blocking inserts
            // (CREATE INDEX CONCURRENTLY ix_usage_records_occurred_at ON usage_records (occurred_at)).
            migrationBuilder.Sql("CREATE INDEX IF NOT EXISTS ix_usage_records_occurred_at ON usage_records (occurred_at);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_usage_records_occurred_at",
                table: "usage_records");
        }
    }
}
