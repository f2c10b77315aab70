/*
 * Lamina's native kernels: an N-API addon (plain node_api.h, C) that the training host uses on the
 * wasm backend where it pays. Every kernel works directly on Float32Array views of the wasm heap
 * (no copies): the caller allocates the output with the backend's makeOutput and passes views.
 *
 * Matrix multiplies are OpenBLAS sgemm, pinned to one thread so that the same inputs always give
 * bit-identical results (replays stay exact). Convolutions are im2col / col2im in C plus sgemm;
 * the max-pooling gradient, Tile and the Adam update are plain loops. Compiled with
 * -ffp-contract=off: no fused multiply-adds, so every float32 operation rounds as written.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>
#include <cblas.h>

/* OpenBLAS extras (declared by Debian's cblas.h too; repeated so another cblas.h still builds). */
extern void openblas_set_num_threads(int);
extern char *openblas_get_config(void);

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, NULL, "lamina_native: bad arguments");        \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

/* A typed array argument's data pointer and element count. */
static int typed(napi_env env, napi_value v, void **data, size_t *length) {
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  return napi_get_typedarray_info(env, v, &type, length, data, &ab, &off) == napi_ok ? 0 : -1;
}

static float *f32(napi_env env, napi_value v, size_t *n) {
  void *d = NULL;
  size_t len = 0;
  if (typed(env, v, &d, &len) != 0) return NULL;
  if (n) *n = len;
  return (float *)d;
}

static const int32_t *i32(napi_env env, napi_value v, size_t *n) {
  void *d = NULL;
  size_t len = 0;
  if (typed(env, v, &d, &len) != 0) return NULL;
  if (n) *n = len;
  return (const int32_t *)d;
}

/* Reusable scratch for im2col (single-threaded host: one buffer is enough). */
static float *scratch = NULL;
static size_t scratch_cap = 0;
static float *scratch_get(size_t floats) {
  if (floats > scratch_cap) {
    free(scratch);
    scratch = (float *)malloc(floats * sizeof(float));
    scratch_cap = scratch ? floats : 0;
  }
  return scratch;
}

/* At most this many floats (64 MiB) in one chunk's column matrix. */
#define COLS_LIMIT (16u * 1024u * 1024u)

/* activation codes shared with the TypeScript side */
enum { ACT_LINEAR = 0, ACT_RELU = 1 };

static void bias_act(float *c, size_t rows, size_t cols, const float *bias, size_t biasLen, int act) {
  if (bias) {
    for (size_t r = 0; r < rows; r++) {
      float *row = c + r * cols;
      if (biasLen == 1) {
        for (size_t j = 0; j < cols; j++) row[j] = row[j] + bias[0];
      } else {
        for (size_t j = 0; j < cols; j++) row[j] = row[j] + bias[j];
      }
    }
  }
  if (act == ACT_RELU) {
    size_t n = rows * cols;
    for (size_t i = 0; i < n; i++) c[i] = c[i] > 0.0f ? c[i] : 0.0f;
  }
}

/*
 * matmul(a, b, c, params, bias|null)
 * params Int32Array: [batch, M, N, K, transA, transB, strideA, strideB, act]
 * c[i] (M×N) = op(a[i]) · op(b[i]) (+ bias) (act); strides in elements (0 broadcasts).
 */
static napi_value matmul(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) CHECK(napi_invalid_arg);
  size_t na = 0, nb = 0, nc = 0, np = 0, nbias = 0;
  float *a = f32(env, argv[0], &na), *b = f32(env, argv[1], &nb), *c = f32(env, argv[2], &nc);
  const int32_t *p = i32(env, argv[3], &np);
  float *bias = NULL;
  if (argc >= 5) {
    napi_valuetype t;
    CHECK(napi_typeof(env, argv[4], &t));
    if (t == napi_object) bias = f32(env, argv[4], &nbias);
  }
  if (!a || !b || !c || !p || np < 9) CHECK(napi_invalid_arg);
  int batch = p[0], M = p[1], N = p[2], K = p[3], tA = p[4], tB = p[5], sA = p[6], sB = p[7], act = p[8];
  if ((size_t)batch * M * N > nc) CHECK(napi_invalid_arg);
  for (int i = 0; i < batch; i++) {
    float *ci = c + (size_t)i * M * N;
    if (K == 0) {
      memset(ci, 0, sizeof(float) * (size_t)M * N);
    } else {
      cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, M, N, K, 1.0f,
                  a + (size_t)i * sA, tA ? M : K, b + (size_t)i * sB, tB ? K : N, 0.0f, ci, N);
    }
    bias_act(ci, M, N, bias, nbias, act);
  }
  return NULL;
}

/* conv params: [batch, inH, inW, inC, outH, outW, outC, fh, fw, sH, sW, dH, dW, padTop, padLeft, act] */
typedef struct {
  int batch, inH, inW, inC, outH, outW, outC, fh, fw, sH, sW, dH, dW, top, left, act;
} ConvInfo;

static int conv_info(const int32_t *p, size_t n, ConvInfo *ci) {
  if (n < 16) return -1;
  memcpy(ci, p, sizeof(int32_t) * 16);
  return 0;
}

/*
 * The arguments every convolution takes: three Float32Arrays (the third's length in *n2), the
 * Int32Array of conv params, and (for the forward pass) an optional bias as the fifth argument.
 */
static int conv_args(napi_env env, napi_callback_info info, float **a0, float **a1, float **a2, size_t *n2, ConvInfo *c,
                     float **bias, size_t *nbias) {
  size_t argc = 5, np = 0;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) return -1;
  *a0 = f32(env, argv[0], NULL);
  *a1 = f32(env, argv[1], NULL);
  *a2 = f32(env, argv[2], n2);
  const int32_t *p = i32(env, argv[3], &np);
  if (!*a0 || !*a1 || !*a2 || !p || conv_info(p, np, c) != 0) return -1;
  if (bias) {
    *bias = NULL;
    napi_valuetype t = napi_undefined;
    if (argc >= 5 && napi_typeof(env, argv[4], &t) == napi_ok && t == napi_object) *bias = f32(env, argv[4], nbias);
  }
  return 0;
}

/* cols[(b-b0)·oh·ow + yR·ow + yC][(fr·fw + fc)·inC + c] = x[b, yR·sH + fr·dH − top, yC·sW + fc·dW − left, c] (0 in the padding) */
static void im2col(const float *x, float *cols, const ConvInfo *c, int b0, int images) {
  const size_t K = (size_t)c->fh * c->fw * c->inC;
  const size_t rowStride = (size_t)c->inW * c->inC;
  float *o = cols;
  for (int b = b0; b < b0 + images; b++) {
    const float *img = x + (size_t)b * c->inH * rowStride;
    for (int yR = 0; yR < c->outH; yR++) {
      for (int yC = 0; yC < c->outW; yC++, o += K) {
        float *dst = o;
        for (int fr = 0; fr < c->fh; fr++) {
          int xR = yR * c->sH + fr * c->dH - c->top;
          if (xR < 0 || xR >= c->inH) {
            memset(dst, 0, sizeof(float) * c->fw * c->inC);
            dst += c->fw * c->inC;
            continue;
          }
          for (int fc = 0; fc < c->fw; fc++, dst += c->inC) {
            int xC = yC * c->sW + fc * c->dW - c->left;
            if (xC < 0 || xC >= c->inW) {
              memset(dst, 0, sizeof(float) * c->inC);
            } else {
              const float *src = img + xR * rowStride + (size_t)xC * c->inC;
              if (c->inC == 1) *dst = *src;
              else memcpy(dst, src, sizeof(float) * c->inC);
            }
          }
        }
      }
    }
  }
}

/* dx[b, …] += cols scattered back (the transpose of im2col), for images b0 … b0 + images − 1. */
static void col2im(const float *cols, float *dx, const ConvInfo *c, int b0, int images) {
  const size_t K = (size_t)c->fh * c->fw * c->inC;
  const size_t rowStride = (size_t)c->inW * c->inC;
  const float *s = cols;
  for (int b = b0; b < b0 + images; b++) {
    float *img = dx + (size_t)b * c->inH * rowStride;
    for (int yR = 0; yR < c->outH; yR++) {
      for (int yC = 0; yC < c->outW; yC++, s += K) {
        for (int fr = 0; fr < c->fh; fr++) {
          int xR = yR * c->sH + fr * c->dH - c->top;
          if (xR < 0 || xR >= c->inH) continue;
          for (int fc = 0; fc < c->fw; fc++) {
            int xC = yC * c->sW + fc * c->dW - c->left;
            if (xC < 0 || xC >= c->inW) continue;
            float *d = img + xR * rowStride + (size_t)xC * c->inC;
            const float *src = s + ((size_t)fr * c->fw + fc) * c->inC;
            for (int k = 0; k < c->inC; k++) d[k] += src[k];
          }
        }
      }
    }
  }
}

static int is_pointwise(const ConvInfo *c) {
  return c->fh == 1 && c->fw == 1 && c->sH == 1 && c->sW == 1 && c->top == 0 && c->left == 0 && c->inH == c->outH &&
         c->inW == c->outW;
}

static int chunk_images(const ConvInfo *c) {
  size_t perImage = (size_t)c->outH * c->outW * c->fh * c->fw * c->inC;
  size_t chunk = perImage == 0 ? (size_t)c->batch : COLS_LIMIT / perImage;
  if (chunk < 1) chunk = 1;
  if (chunk > (size_t)c->batch) chunk = (size_t)c->batch;
  return (int)chunk;
}

/* The column buffer for a chunk of images (how many in *chunk), or NULL when out of memory. */
static float *cols_for(const ConvInfo *c, int *chunk) {
  *chunk = chunk_images(c);
  return scratch_get((size_t)*chunk * c->outH * c->outW * c->fh * c->fw * c->inC);
}

/* conv2d(x, w, out, params, bias|null): NHWC x, filter [fh, fw, inC, outC], out NHWC. */
static napi_value conv2d(napi_env env, napi_callback_info info) {
  float *x, *w, *out, *bias;
  size_t nout = 0, nbias = 0;
  ConvInfo c;
  if (conv_args(env, info, &x, &w, &out, &nout, &c, &bias, &nbias) != 0) CHECK(napi_invalid_arg);
  if (nout < (size_t)c.batch * c.outH * c.outW * c.outC) CHECK(napi_invalid_arg);
  const int K = c.fh * c.fw * c.inC;
  const int perImage = c.outH * c.outW;
  if (is_pointwise(&c)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, c.batch * perImage, c.outC, K, 1.0f, x, K, w, c.outC, 0.0f, out,
                c.outC);
  } else {
    int chunk;
    float *cols = cols_for(&c, &chunk);
    if (!cols) CHECK(napi_generic_failure);
    for (int b0 = 0; b0 < c.batch; b0 += chunk) {
      int images = c.batch - b0 < chunk ? c.batch - b0 : chunk;
      im2col(x, cols, &c, b0, images);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, images * perImage, c.outC, K, 1.0f, cols, K, w, c.outC, 0.0f,
                  out + (size_t)b0 * perImage * c.outC, c.outC);
    }
  }
  bias_act(out, (size_t)c.batch * perImage, c.outC, bias, nbias, c.act);
  return NULL;
}

/* conv2dBackpropFilter(x, dy, dw, params): dw[K, outC] = Σ_n cols[n, K]ᵀ · dy[n, outC]. */
static napi_value conv2d_filter_grad(napi_env env, napi_callback_info info) {
  float *x, *dy, *dw;
  size_t ndw = 0;
  ConvInfo c;
  if (conv_args(env, info, &x, &dy, &dw, &ndw, &c, NULL, NULL) != 0) CHECK(napi_invalid_arg);
  if (ndw < (size_t)c.fh * c.fw * c.inC * c.outC) CHECK(napi_invalid_arg);
  const int K = c.fh * c.fw * c.inC;
  const int perImage = c.outH * c.outW;
  if (is_pointwise(&c)) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, c.outC, c.batch * perImage, 1.0f, x, K, dy, c.outC, 0.0f, dw,
                c.outC);
    return NULL;
  }
  int chunk;
  float *cols = cols_for(&c, &chunk);
  if (!cols) CHECK(napi_generic_failure);
  for (int b0 = 0; b0 < c.batch; b0 += chunk) {
    int images = c.batch - b0 < chunk ? c.batch - b0 : chunk;
    im2col(x, cols, &c, b0, images);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, c.outC, images * perImage, 1.0f, cols, K,
                dy + (size_t)b0 * perImage * c.outC, c.outC, b0 == 0 ? 0.0f : 1.0f, dw, c.outC);
  }
  return NULL;
}

/* conv2dBackpropInput(dy, w, dx, params): cols[n, K] = dy[n, outC] · w[K, outC]ᵀ, then col2im into dx. */
static napi_value conv2d_input_grad(napi_env env, napi_callback_info info) {
  float *dy, *w, *dx;
  size_t ndx = 0;
  ConvInfo c;
  if (conv_args(env, info, &dy, &w, &dx, &ndx, &c, NULL, NULL) != 0) CHECK(napi_invalid_arg);
  if (ndx < (size_t)c.batch * c.inH * c.inW * c.inC) CHECK(napi_invalid_arg);
  const int K = c.fh * c.fw * c.inC;
  const int perImage = c.outH * c.outW;
  if (is_pointwise(&c)) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c.batch * perImage, K, c.outC, 1.0f, dy, c.outC, w, c.outC, 0.0f, dx,
                K);
    return NULL;
  }
  memset(dx, 0, sizeof(float) * ndx);
  int chunk;
  float *cols = cols_for(&c, &chunk);
  if (!cols) CHECK(napi_generic_failure);
  for (int b0 = 0; b0 < c.batch; b0 += chunk) {
    int images = c.batch - b0 < chunk ? c.batch - b0 : chunk;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, images * perImage, K, c.outC, 1.0f,
                dy + (size_t)b0 * perImage * c.outC, c.outC, w, c.outC, 0.0f, cols, K);
    col2im(cols, dx, &c, b0, images);
  }
  return NULL;
}

/* pool params: [batch, inH, inW, ch, outH, outW, fh(effective), fw(effective), sH, sW, dH, dW, padTop, padLeft] */
typedef struct {
  int batch, inH, inW, ch, outH, outW, fh, fw, sH, sW, dH, dW, top, left;
} PoolInfo;

/* For each output element, the input index of its window's maximum (first strictly greater in row-major order), or −1. */
#define POOL_LOOP(BODY)                                                                 \
  const size_t rowStride = (size_t)c.inW * c.ch;                                        \
  size_t o = 0;                                                                         \
  for (int b = 0; b < c.batch; b++) {                                                   \
    const size_t img = (size_t)b * c.inH * rowStride;                                   \
    for (int yR = 0; yR < c.outH; yR++) {                                               \
      const int r0 = yR * c.sH - c.top;                                                 \
      const int wRLo = r0 < 0 ? ((-r0 + c.dH - 1) / c.dH) * c.dH : 0;                    \
      const int wRHi = c.fh < c.inH - r0 ? c.fh : c.inH - r0;                            \
      for (int yC = 0; yC < c.outW; yC++) {                                             \
        const int c0 = yC * c.sW - c.left;                                              \
        const int wCLo = c0 < 0 ? ((-c0 + c.dW - 1) / c.dW) * c.dW : 0;                  \
        const int wCHi = c.fw < c.inW - c0 ? c.fw : c.inW - c0;                          \
        for (int d = 0; d < c.ch; d++, o++) {                                           \
          float best = -INFINITY;                                                       \
          long at = -1;                                                                 \
          for (int wR = wRLo; wR < wRHi; wR += c.dH) {                                  \
            size_t i = img + (size_t)(r0 + wR) * rowStride + (size_t)(c0 + wCLo) * c.ch + d; \
            for (int wC = wCLo; wC < wCHi; wC += c.dW, i += (size_t)c.dW * c.ch) {       \
              const float v = x[i];                                                     \
              if (v > best) {                                                           \
                best = v;                                                               \
                at = (long)i;                                                           \
              }                                                                         \
            }                                                                           \
          }                                                                             \
          BODY                                                                          \
        }                                                                               \
      }                                                                                 \
    }                                                                                   \
  }

/* maxPoolGrad(x, dy, dx, params): dx starts zeroed here; dx[argmax] += dy. */
static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) CHECK(napi_invalid_arg);
  size_t np = 0, ndx = 0;
  const float *x = f32(env, argv[0], NULL), *dy = f32(env, argv[1], NULL);
  float *dx = f32(env, argv[2], &ndx);
  const int32_t *p = i32(env, argv[3], &np);
  if (!x || !dy || !dx || !p || np < 14) CHECK(napi_invalid_arg);
  PoolInfo c;
  memcpy(&c, p, sizeof c);
  memset(dx, 0, sizeof(float) * ndx);
  POOL_LOOP({
    if (at >= 0) dx[at] += dy[o];
  })
  return NULL;
}

/* Tile of 4-byte elements: out = x repeated reps[d] times along each axis d (rank ≤ 8). */
static void tile_rec(const uint32_t *x, uint32_t **out, const int32_t *shape, const int32_t *reps, const size_t *stride, int rank, int d) {
  if (d == rank - 1) {
    for (int r = 0; r < reps[d]; r++) {
      memcpy(*out, x, sizeof(uint32_t) * (size_t)shape[d]);
      *out += shape[d];
    }
    return;
  }
  for (int r = 0; r < reps[d]; r++)
    for (int i = 0; i < shape[d]; i++) tile_rec(x + (size_t)i * stride[d], out, shape, reps, stride, rank, d + 1);
}

/* tile(x, out, shape Int32Array, reps Int32Array): x and out are Float32Array or Int32Array. */
static napi_value tile(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) CHECK(napi_invalid_arg);
  void *x = NULL, *out = NULL;
  size_t nx = 0, nout = 0, rank = 0, nreps = 0;
  const int32_t *shape = i32(env, argv[2], &rank), *reps = i32(env, argv[3], &nreps);
  if (typed(env, argv[0], &x, &nx) != 0 || typed(env, argv[1], &out, &nout) != 0 || !shape || !reps) CHECK(napi_invalid_arg);
  if (rank == 0 || rank > 8 || nreps != rank) CHECK(napi_invalid_arg);
  size_t stride[8], total = 1, xs = 1;
  for (int d = (int)rank - 1; d >= 0; d--) {
    stride[d] = xs;
    xs *= (size_t)shape[d];
    total *= (size_t)shape[d] * (size_t)reps[d];
  }
  if (xs != nx || total != nout) CHECK(napi_invalid_arg);
  if (total == 0) return NULL;
  uint32_t *o = (uint32_t *)out;
  tile_rec((const uint32_t *)x, &o, shape, reps, stride, (int)rank, 0);
  return NULL;
}

/*
 * adam(value, m, v, g, outValue, outM, outV, scalars Float32Array
 *      [beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLr])
 * TF.js 4.22's AdamOptimizer step in float32, op by op and in its order (each scalar is the float32
 * TF.js itself would use), so the result is bit-identical to its element-wise kernels:
 *   m' = m·β1 + g·(1−β1);  v' = v·β2 + g²·(1−β2)
 *   value' = (m' / (1−β1ᵗ)) / (sqrt(v' / (1−β2ᵗ)) + ε) · (−lr) + value
 * Outputs are new buffers: a variable's old buffer may be shared (weights snapshots), never written.
 */
static napi_value adam(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 8) CHECK(napi_invalid_arg);
  size_t n = 0, nm = 0, nv = 0, ng = 0, n1 = 0, n2 = 0, n3 = 0, ns = 0;
  const float *value = f32(env, argv[0], &n), *m = f32(env, argv[1], &nm), *v = f32(env, argv[2], &nv);
  const float *g = f32(env, argv[3], &ng);
  float *outValue = f32(env, argv[4], &n1), *outM = f32(env, argv[5], &n2), *outV = f32(env, argv[6], &n3);
  const float *s = f32(env, argv[7], &ns);
  if (!value || !m || !v || !g || !outValue || !outM || !outV || !s || ns < 8) CHECK(napi_invalid_arg);
  if (nm != n || nv != n || ng != n || n1 != n || n2 != n || n3 != n) CHECK(napi_invalid_arg);
  const float beta1 = s[0], oneMinusBeta1 = s[1], beta2 = s[2], oneMinusBeta2 = s[3];
  const float c1 = s[4], c2 = s[5], eps = s[6], negLr = s[7];
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * beta1 + gi * oneMinusBeta1;
    const float vi = v[i] * beta2 + (gi * gi) * oneMinusBeta2;
    const float mHat = mi / c1;
    const float vHat = vi / c2;
    const float step = (mHat / (sqrtf(vHat) + eps)) * negLr;
    outM[i] = mi;
    outV[i] = vi;
    outValue[i] = step + value[i];
  }
  return NULL;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value s;
  const char *cfg = openblas_get_config();
  CHECK(napi_create_string_utf8(env, cfg ? cfg : "OpenBLAS", NAPI_AUTO_LENGTH, &s));
  return s;
}

static napi_value init(napi_env env, napi_value exports) {
  openblas_set_num_threads(1);
  napi_property_descriptor props[] = {
      {"matmul", NULL, matmul, NULL, NULL, NULL, napi_default, NULL},
      {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dFilterGrad", NULL, conv2d_filter_grad, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dInputGrad", NULL, conv2d_input_grad, NULL, NULL, NULL, napi_default, NULL},
      {"tile", NULL, tile, NULL, NULL, NULL, napi_default, NULL},
      {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_default, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
      {"config", NULL, config, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
