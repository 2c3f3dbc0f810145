// A columnar in-memory table read from one CSV file.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/table/column.h"

namespace medfed::table {

class Table {
 public:
  Table() = default;
  // `lines`: the line of the source file each row starts on (for error messages); when empty,
  // rows are assumed to be lines 2, 3, ... after a header.
  Table(std::string source, std::vector<Column> columns, std::vector<uint64_t> lines = {});

  // The file the table was read from (for error messages).
  const std::string& source() const { return source_; }
  size_t row_count() const { return row_count_; }
  size_t column_count() const { return columns_.size(); }
  const std::vector<Column>& columns() const { return columns_; }
  const Column& column(size_t index) const { return columns_[index]; }

  uint64_t LineOfRow(size_t row) const { return row < lines_.size() ? lines_[row] : static_cast<uint64_t>(row) + 2; }

  // nullptr when absent.
  const Column* FindColumn(const std::string& name) const;
  // NotFound naming the table's file and listing the columns it has.
  StatusOr<const Column*> GetColumn(const std::string& name) const;

 private:
  std::string source_;
  std::vector<Column> columns_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<uint64_t> lines_;
  size_t row_count_ = 0;
};

}  // namespace medfed::table
