// `motioncue body`: build, inspect, pose, export and render the body model.
#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

#include "motioncue/body/body_model.h"
#include "motioncue/body/joint_sets.h"
#include "motioncue/body/mesh_export.h"
#include "motioncue/body/model_report.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/npz.h"
#include "motioncue/core/parse.h"
#include "motioncue/geometry/preview_render.h"
#include "verb.h"

namespace {

namespace b = motioncue::body;
namespace g = motioncue::geometry;
using motioncue::Error;

b::BodyModel model_from(const std::string& file) {
  return file.empty() ? b::load_default_model() : b::BodyModel::load(file);
}

torch::Tensor float_tensor(const motioncue::Npz& npz, const std::string& key,
                           std::vector<std::int64_t> dims) {
  const auto& a = npz.at(key, dims);
  return torch::tensor(a.to_f32(), torch::kFloat).reshape(a.shape);
}

// pose (N x 72) and betas (N x B) from a parameter file.
struct Params {
  torch::Tensor pose, betas;
};
Params read_params(const std::string& file) {
  const motioncue::Npz npz = motioncue::read_npz(file);
  Params p;
  p.pose = float_tensor(npz, "pose", {-1, 72});
  const auto n = p.pose.size(0);
  p.betas = npz.contains("betas") ? float_tensor(npz, "betas", {n, -1}) : torch::zeros({n, 10});
  if (!torch::isfinite(p.pose).all().item<bool>() || !torch::isfinite(p.betas).all().item<bool>()) {
    throw Error("parameters contain NaN or infinite values").file(file);
  }
  return p;
}

motioncue::NpyArray f32_array(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return motioncue::NpyArray::from_f32(
      c.sizes().vec(), std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel()));
}

// The mesh to show or export: the rest template, or row `index` of a parameter file.
torch::Tensor mesh_vertices(const b::BodyModel& model, const std::string& params, int index) {
  if (params.empty()) return model.template_vertices();
  const Params p = read_params(params);
  if (index < 0 || index >= p.pose.size(0)) {
    throw Error("row index out of range")
        .file(params)
        .key("--index")
        .expected("0.." + std::to_string(p.pose.size(0) - 1))
        .found(std::to_string(index));
  }
  torch::NoGradGuard no_grad;
  return model.forward_axis_angle(p.pose.narrow(0, index, 1), p.betas.narrow(0, index, 1))
      .vertices[0];
}

// A body given on the command line: "left_elbow=0,-90,0;right_knee=90,0,0;betas=2,0,-1", joint
// rotations as rotation vectors in degrees (relative to the parent, as in the pose vector).
Params parse_body_spec(const std::string& spec) {
  Params p{torch::zeros({1, 72}), torch::zeros({1, 10})};
  const auto& names = b::kinematic_joint_names();
  std::stringstream items(spec);
  std::string item;
  while (std::getline(items, item, ';')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw Error("expected NAME=values").key("--body").found(item);
    const std::string name = item.substr(0, eq);
    std::vector<float> values;
    std::stringstream vs(item.substr(eq + 1));
    std::string v;
    while (std::getline(vs, v, ',')) {
      const auto value = motioncue::parse_double(v);
      if (!value || !std::isfinite(*value))
        throw Error("expected finite numbers after NAME=").key("--body").found(item);
      values.push_back(static_cast<float>(*value));
    }
    if (name == "betas") {
      if (values.size() > 10) throw Error("at most 10 betas").key("--body").found(item);
      for (std::size_t i = 0; i < values.size(); ++i) p.betas[0][i] = values[i];
      continue;
    }
    int joint = -1;
    for (int j = 0; j < b::kNumJoints; ++j) {
      if (name == names[j]) joint = j;
    }
    if (joint < 0 || values.size() != 3) {
      throw Error("expected a joint name and three angles in degrees").key("--body").found(item);
    }
    for (int k = 0; k < 3; ++k)
      p.pose[0][3 * joint + k] = values[k] * static_cast<float>(M_PI / 180.0);
  }
  return p;
}

void setup(CLI::App& app) {
  app.require_subcommand(1);

  auto* build = app.add_subcommand("build", "Generate the built-in open body model");
  auto out_build = std::make_shared<std::string>();
  build->add_option("--out", *out_build, "output .npz (default: the model cache)");
  build->callback([out_build] {
    const std::filesystem::path out =
        out_build->empty() ? b::default_model_path() : std::filesystem::path(*out_build);
    b::build_open_body_model(out);
    std::cout << "wrote " << out.string() << "\n";
  });

  auto* info = app.add_subcommand("info", "Counts, height and checks of a body model");
  auto model_info = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  info->add_option("--body-model,--model", *model_info,
                   "body model .npz (default: the built-in open model)");
  info->add_flag("--json", *json, "print JSON");
  info->callback([model_info, json] {
    const auto report = b::describe_model(model_from(*model_info));
    if (*json) {
      std::cout << report.dump(2) << "\n";
      return;
    }
    std::cout << "model:      " << report["file"].get<std::string>() << " (hash "
              << report["hash"].get<std::string>() << ")\n"
              << "vertices:   " << report["vertices"] << ", faces " << report["faces"] << ", betas "
              << report["betas"] << ", pose blend shapes "
              << (report["pose_blendshapes"].get<bool>() ? "yes" : "no") << ", keypoints "
              << (report["keypoints"].get<bool>() ? "yes" : "no") << "\n"
              << "height:     " << report["height_m"].get<double>() << " m\n"
              << "mesh:       " << report["mesh"]["summary"].get<std::string>() << "\n"
              << "weights:    " << (report["weights"]["valid"].get<bool>() ? "valid" : "INVALID")
              << " (max influences " << report["weights"]["max_influences"] << ", min "
              << report["weights"]["min"].get<double>() << ", largest |sum - 1| "
              << report["weights"]["max_sum_error"].get<double>() << ")\n"
              << "landmarks:  " << report["landmarks"].size() << ", parts "
              << report["part_names"].size() << "\n";
  });

  auto* pose = app.add_subcommand("pose", "Evaluate the model for a file of parameters");
  auto model_pose = std::make_shared<std::string>();
  auto params_pose = std::make_shared<std::string>();
  auto out_pose = std::make_shared<std::string>();
  pose->add_option("--body-model,--model", *model_pose,
                   "body model .npz (default: the built-in open model)");
  pose->add_option("--params", *params_pose, "input .npz: pose N x 72, betas N x B")->required();
  pose->add_option("--out", *out_pose, "output .npz: vertices, joints, eval_joints, keypoints")
      ->required();
  pose->callback([model_pose, params_pose, out_pose] {
    const auto model = model_from(*model_pose);
    const Params p = read_params(*params_pose);
    torch::NoGradGuard no_grad;
    const auto out = model.forward_axis_angle(p.pose, p.betas);
    motioncue::Npz npz;
    npz.set("vertices", f32_array(out.vertices));
    npz.set("joints", f32_array(out.joints));
    npz.set("keypoints", f32_array(out.keypoints));
    npz.set("eval_joints", f32_array(out.keypoints.narrow(1, 0, 14)));
    motioncue::write_npz(*out_pose, npz);
    std::cout << "wrote " << p.pose.size(0) << " bodies to " << *out_pose << "\n";
  });

  auto* exp = app.add_subcommand("export", "Write the rest or a posed mesh as OBJ");
  auto model_exp = std::make_shared<std::string>();
  auto params_exp = std::make_shared<std::string>();
  auto out_exp = std::make_shared<std::string>();
  auto index_exp = std::make_shared<int>(0);
  exp->add_option("--body-model,--model", *model_exp,
                  "body model .npz (default: the built-in open model)");
  exp->add_option("--params", *params_exp, "parameters .npz (pose, betas); default: rest pose");
  exp->add_option("--index", *index_exp, "row of the parameter file");
  exp->add_option("--out", *out_exp, "output .obj")->required();
  exp->callback([model_exp, params_exp, out_exp, index_exp] {
    const auto model = model_from(*model_exp);
    b::write_obj(*out_exp, mesh_vertices(model, *params_exp, *index_exp), model.faces());
    std::cout << "wrote " << *out_exp << "\n";
  });

  auto* render = app.add_subcommand("render", "Render front, side and back views as PNG");
  auto model_r = std::make_shared<std::string>();
  auto params_r = std::make_shared<std::string>();
  auto out_r = std::make_shared<std::string>();
  auto rows_r = std::make_shared<std::vector<int>>();
  auto size_r = std::make_shared<int>(400);
  auto parts_r = std::make_shared<bool>(false);
  auto yaws_r = std::make_shared<std::vector<double>>(std::vector<double>{0, 90});
  auto bodies_r = std::make_shared<std::vector<std::string>>();
  render->add_option("--body-model,--model", *model_r,
                     "body model .npz (default: the built-in open model)");
  render->add_option("--params", *params_r, "parameters .npz (pose, betas); default: rest pose");
  render->add_option("--rows", *rows_r, "rows of the parameter file to show (default: all)");
  render->add_option("--views", *yaws_r, "view angles about y in degrees (0 = front)");
  render->add_option("--size", *size_r, "pixels per view");
  render->add_flag("--parts", *parts_r, "colour vertices by body part");
  render->add_option("--body", *bodies_r,
                     "a body to show, e.g. \"left_elbow=0,-90,0;betas=2\" (repeatable)");
  render->add_option("--out", *out_r, "output .png")->required();
  render->callback([=] {
    for (const double yaw : *yaws_r)
      if (!std::isfinite(yaw))
        throw motioncue::Error("view angles must be finite numbers of degrees")
            .key("--views")
            .found(std::to_string(yaw));
    if (*size_r < 16 || *size_r > 8192)
      throw motioncue::Error("view size out of range")
          .key("--size")
          .expected("16..8192 pixels")
          .found(std::to_string(*size_r));
    const auto model = model_from(*model_r);
    std::vector<torch::Tensor> meshes;
    if (!bodies_r->empty()) {
      torch::NoGradGuard no_grad;
      for (const auto& spec : *bodies_r) {
        const Params p = parse_body_spec(spec);
        meshes.push_back(model.forward_axis_angle(p.pose, p.betas).vertices[0]);
      }
    } else if (params_r->empty()) {
      meshes.push_back(model.template_vertices());
    } else {
      const Params p = read_params(*params_r);
      std::vector<int> rows = *rows_r;
      if (rows.empty()) {
        for (int i = 0; i < p.pose.size(0); ++i) rows.push_back(i);
      }
      for (int r : rows) meshes.push_back(mesh_vertices(model, *params_r, r));
    }
    auto f = model.faces().contiguous();
    auto fa = f.accessor<int64_t, 2>();
    std::vector<g::PreviewMesh> previews;
    for (const auto& v : meshes) {
      g::PreviewMesh pm;
      auto vd = v.to(torch::kCPU, torch::kDouble).contiguous();
      pm.vertices.assign(vd.data_ptr<double>(), vd.data_ptr<double>() + vd.numel());
      for (int64_t i = 0; i < f.size(0); ++i) pm.faces.push_back({fa[i][0], fa[i][1], fa[i][2]});
      if (*parts_r && model.part_labels().defined()) {
        auto labels = model.part_labels();
        for (int64_t i = 0; i < labels.size(0); ++i) {
          pm.colors.push_back(g::part_color(labels[i].item<int64_t>()));
        }
      }
      previews.push_back(std::move(pm));
    }
    const cv::Mat image = g::render_preview(previews, *yaws_r, *size_r);
    std::vector<std::uint8_t> png;
    if (!cv::imencode(".png", image, png)) throw Error("cannot encode PNG").file(*out_r);
    motioncue::write_file_atomic(*out_r, png);
    std::cout << "wrote " << *out_r << "\n";
  });
}

motioncue::cli::VerbRegistration register_body(
    "body", "Build, inspect, pose, export or render the body model", setup);

}  // namespace
