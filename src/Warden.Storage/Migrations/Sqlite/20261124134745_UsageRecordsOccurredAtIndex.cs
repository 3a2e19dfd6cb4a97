using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Warden.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageRecordsOccurredAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_usage_records_occurred_at",
                table: "usage_records",
                column: "occurred_at");
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
