// The typed layout of a round's contribution: the numbers a site sends in one phase, as a struct
// both halves share, that packs itself into the flat vector secure aggregation sums and unpacks
// the pooled sum back. No analysis indexes a contribution vector by hand.
//
// A layout lists its fields in order:
//
//   struct MomentSums {
//     std::vector<double> column_sums;  // its size is its shape
//     double rows = 0;
//     template <class Fields> void Layout(Fields& fields) {
//       fields("column_sums", column_sums);
//       fields("rows", rows);
//     }
//   };
//
// A field is a double, a std::vector<double> or std::array<double, N>, an Eigen vector or matrix (column-major),
// another layout, a std::vector of layouts (one per variable, stratum, ...), or a type that packs itself (PackedSize()
// const, AppendPacked(std::vector<double>&) const, UnpackFrom(const double*), as the upper triangle of IRLS sums does).
// The site fills the fields; the hub gives the pooled struct its shape (the sizes of its vectors) before the sum is
// unpacked, and a sum whose length does not match is an error naming the fields.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "medfed/core/status.h"

namespace medfed::analysis {
namespace layout_internal {

template <class T, class Visitor, class = void>
struct HasLayout : std::false_type {};
template <class T, class Visitor>
struct HasLayout<T, Visitor, std::void_t<decltype(std::declval<T&>().Layout(std::declval<Visitor&>()))>>
    : std::true_type {};

template <class T, class = void>
struct PacksItself : std::false_type {};
template <class T>
struct PacksItself<T, std::void_t<decltype(std::declval<const T&>().PackedSize()),
                                  decltype(std::declval<const T&>().AppendPacked(std::declval<std::vector<double>&>())),
                                  decltype(std::declval<T&>().UnpackFrom(std::declval<const double*>()))>>
    : std::true_type {};

template <class T>
inline constexpr bool kIsEigen = std::is_base_of_v<Eigen::PlainObjectBase<T>, T>;

template <class T>
struct IsArray : std::false_type {};
template <size_t N>
struct IsArray<std::array<double, N>> : std::true_type {};

template <class T>
struct IsVectorOfLayouts : std::false_type {};
template <class T>
struct IsVectorOfLayouts<std::vector<T>> : std::bool_constant<!std::is_arithmetic_v<T>> {};

// Sizes of the fields, in order, with their names ("irls.right_side").
class Measure {
 public:
  explicit Measure(std::string prefix = "") : prefix_(std::move(prefix)) {}

  template <class T>
  void operator()(const char* name, T& field) {
    if constexpr (std::is_same_v<T, double>) {
      Add(name, 1);
    } else if constexpr (std::is_same_v<T, std::vector<double>> || IsArray<T>::value) {
      Add(name, field.size());
    } else if constexpr (kIsEigen<T>) {
      Add(name, static_cast<size_t>(field.size()));
    } else if constexpr (PacksItself<T>::value) {
      Add(name, field.PackedSize());
    } else if constexpr (IsVectorOfLayouts<T>::value) {
      // One block for all elements: "strata[] 24".
      Measure inner;
      for (auto& element : field) element.Layout(inner);
      Add((std::string(name) + "[]").c_str(), inner.total_);
    } else {
      static_assert(HasLayout<T, Measure>::value, "a layout field must be a number, a vector, a matrix or a layout");
      Measure inner(prefix_ + name + ".");
      field.Layout(inner);
      for (auto& block : inner.blocks_) blocks_.push_back(std::move(block));
      total_ += inner.total_;
    }
  }

  size_t total() const { return total_; }
  const std::vector<std::pair<std::string, size_t>>& blocks() const { return blocks_; }

 private:
  void Add(const char* name, size_t size) {
    blocks_.emplace_back(prefix_ + name, size);
    total_ += size;
  }

  std::string prefix_;
  size_t total_ = 0;
  std::vector<std::pair<std::string, size_t>> blocks_;
};

class Pack {
 public:
  explicit Pack(std::vector<double>& out) : out_(out) {}

  template <class T>
  void operator()(const char*, T& field) {
    if constexpr (std::is_same_v<T, double>) {
      out_.push_back(field);
    } else if constexpr (std::is_same_v<T, std::vector<double>> || IsArray<T>::value) {
      out_.insert(out_.end(), field.begin(), field.end());
    } else if constexpr (kIsEigen<T>) {
      out_.insert(out_.end(), field.data(), field.data() + field.size());
    } else if constexpr (PacksItself<T>::value) {
      field.AppendPacked(out_);
    } else if constexpr (IsVectorOfLayouts<T>::value) {
      for (auto& element : field) element.Layout(*this);
    } else {
      field.Layout(*this);
    }
  }

 private:
  std::vector<double>& out_;
};

// Reads a vector of exactly the layout's size (checked before).
class Unpack {
 public:
  explicit Unpack(const double* data) : data_(data) {}

  template <class T>
  void operator()(const char*, T& field) {
    if constexpr (std::is_same_v<T, double>) {
      field = *data_++;
    } else if constexpr (std::is_same_v<T, std::vector<double>> || IsArray<T>::value) {
      std::copy(data_, data_ + field.size(), field.begin());
      data_ += field.size();
    } else if constexpr (kIsEigen<T>) {
      std::copy(data_, data_ + field.size(), field.data());
      data_ += field.size();
    } else if constexpr (PacksItself<T>::value) {
      const size_t size = field.PackedSize();
      field.UnpackFrom(data_);
      data_ += size;
    } else if constexpr (IsVectorOfLayouts<T>::value) {
      for (auto& element : field) element.Layout(*this);
    } else {
      field.Layout(*this);
    }
  }

 private:
  const double* data_;
};

}  // namespace layout_internal

// "column_sums 6, rows 1": the fields of a layout with their sizes, for error messages.
template <class Layout>
std::string DescribeLayout(Layout& layout) {
  layout_internal::Measure measure;
  layout.Layout(measure);
  std::string text;
  for (const auto& [name, size] : measure.blocks()) {
    if (!text.empty()) text += ", ";
    text += name + " " + std::to_string(size);
  }
  return text;
}

template <class Layout>
size_t LayoutSize(Layout& layout) {
  layout_internal::Measure measure;
  layout.Layout(measure);
  return measure.total();
}

// Where a field starts in the packed vector (for noise groups, which name coordinates).
template <class Layout>
StatusOr<size_t> LayoutOffset(Layout& layout, const std::string& field) {
  layout_internal::Measure measure;
  layout.Layout(measure);
  size_t offset = 0;
  for (const auto& [name, size] : measure.blocks()) {
    if (name == field) return offset;
    offset += size;
  }
  return Internal("the layout has no field " + field + " (it has " + DescribeLayout(layout) + ")");
}

template <class Layout>
std::vector<double> PackLayout(Layout& layout) {
  std::vector<double> out;
  out.reserve(LayoutSize(layout));
  layout_internal::Pack pack(out);
  layout.Layout(pack);
  return out;
}

// Fills `shaped` (whose vectors already have their sizes) from `packed`. `what` names the
// analysis and phase for the error when the sizes differ.
template <class Layout>
Status UnpackLayout(const std::vector<double>& packed, Layout& shaped, const std::string& what) {
  const size_t expected = LayoutSize(shaped);
  if (packed.size() != expected) {
    return InvalidArgument(what + ": the pooled contribution has " + std::to_string(packed.size()) +
                           " numbers where its layout (" + DescribeLayout(shaped) + ") has " +
                           std::to_string(expected) +
                           "; the sites and the hub disagree about this round (are they running the "
                           "same medfed version?)");
  }
  layout_internal::Unpack unpack(packed.data());
  shaped.Layout(unpack);
  return absl::OkStatus();
}

}  // namespace medfed::analysis
