using System.Buffers;
using HyperIft.Numerics.LinearAlgebra;

namespace HyperIft.Numerics.Models;

/// <summary>
/// A multilayer perceptron p → H₁ → … → H_L → C with softmax cross-entropy (SPEC §7). Rows go
/// through in blocks, every layer as a matrix-matrix product: loss and gradient by backpropagation,
/// the Hessian-vector product by Pearlmutter's R-operator (one forward and one backward pass of
/// directional derivatives; exact, no finite differences, no Gauss-Newton substitute).
/// The cache keeps each row's hidden outputs z_l and class probabilities π.
/// </summary>
public sealed class MlpModel : Model
{
    /// <summary>Rows per block: enough for the products to run at speed, few enough for the temporaries to stay in cache.</summary>
    private const int BlockRows = 1024;

    private readonly int[] _width;   // H₁ … H_L, C
    private readonly int[] _inputs;  // p, H₁ … H_L
    private readonly int[] _prefix;  // Σ of the widths before layer l: where its outputs sit in a block's cache

    public MlpModel(int features, IReadOnlyList<int> hidden, int classes, Activation activation = Activation.Tanh)
        : base(ParameterLayout.Mlp(features, Check(hidden), classes >= 2 ? classes : throw new ArgumentOutOfRangeException(nameof(classes), "mlp needs at least 2 classes")))
    {
        Hidden = hidden.ToArray();
        Activation = activation;
        _width = [.. Hidden, classes];
        _inputs = [features, .. Hidden];
        _prefix = new int[_width.Length + 1];
        for (int l = 0; l < _width.Length; l++) _prefix[l + 1] = _prefix[l] + _width[l];
    }

    private static IReadOnlyList<int> Check(IReadOnlyList<int> hidden)
    {
        if (hidden.Count == 0) throw new ArgumentException("mlp needs at least one hidden layer (use softmax for none)");
        if (hidden.Any(h => h < 1)) throw new ArgumentException("hidden layer widths must be positive");
        return hidden;
    }

    public IReadOnlyList<int> Hidden { get; }
    public Activation Activation { get; }
    public int Classes => Layout.Outputs;
    public override string Name => "mlp";
    public override bool Convex => false;
    public override int CacheWidth => _prefix[^1];

    /// <summary>Number of layers with weights (hidden layers + output).</summary>
    private int Layers => _width.Length;

    public override string? LabelError(double y) =>
        y >= 0 && y < Classes && y == Math.Floor(y) ? null : $"label {y} is not a class index in 0..{Classes - 1}";

    /// <summary>Glorot-uniform weights U(±√(6/(fan_in + fan_out))) in θ order from one seeded generator; biases 0.</summary>
    public override double[] InitialTheta(int seed)
    {
        var theta = new double[Layout.Dimension];
        var random = new Random(seed);
        foreach (var w in Layout.Weights)
        {
            double limit = Math.Sqrt(6.0 / (w.Inputs + w.Outputs));
            for (int k = 0; k < w.Count; k++) theta[w.Offset + k] = limit * (2.0 * random.NextDouble() - 1.0);
        }
        return theta;
    }

    public override double LossGrad(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> rowWeights,
        Span<double> grad, Span<double> cache)
    {
        CheckShapes(data, theta);
        using var work = new Workspace(this, cache.IsEmpty);
        using var firstDelta = new PooledBuffer(data.Rows * _width[0]);
        var y = data.Y.Span;
        double loss = 0;
        for (int start = 0; start < data.Rows; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, data.Rows - start);
            var x = data.Slice(start, rows);
            var z = cache.IsEmpty ? work.Outputs.AsSpan(0, rows * CacheWidth) : cache.Slice(start * CacheWidth, rows * CacheWidth);
            var rowLoss = work.RowLoss.AsSpan(0, rows);
            Forward(x, rows, theta, z, y.Slice(start, rows), rowLoss);

            // g = c·(π − e_y): the gradient in output space, then back through the layers.
            var g = work.D.AsSpan(0, rows * Classes);
            var pi = Out(z, rows, Layers - 1);
            for (int i = 0; i < rows; i++)
            {
                double c = Weight(rowWeights, start + i);
                int label = (int)y[start + i];
                loss += c * rowLoss[i];
                for (int j = 0; j < Classes; j++) g[i * Classes + j] = c * (pi[i * Classes + j] - (j == label ? 1.0 : 0.0));
            }
            Backward(rows, theta, z, work, grad, firstDelta.Span.Slice(start * _width[0], rows * _width[0]));
        }
        FirstLayerWeights(data, firstDelta.Span, grad);
        return loss;
    }

    public override void Hvp(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> rowWeights,
        ReadOnlySpan<double> v, Span<double> hv)
    {
        using var work = new Workspace(this, false);
        using var firstDelta = new PooledBuffer(data.Rows * _width[0]);
        var y = data.Y.Span;
        for (int start = 0; start < data.Rows; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, data.Rows - start);
            var x = data.Slice(start, rows);
            var z = cache.Slice(start * CacheWidth, rows * CacheWidth);
            var ru = work.Ru.AsSpan(0, rows * CacheWidth);
            var rz = work.Rz.AsSpan(0, rows * CacheWidth);
            ForwardR(x, rows, theta, v, z, ru, rz);
            OutputSignals(rows, z, ru, y.Slice(start, rows), rowWeights.IsEmpty ? rowWeights : rowWeights.Slice(start, rows), work);
            BackwardR(rows, theta, v, z, ru, rz, work, hv, firstDelta.Span.Slice(start * _width[0], rows * _width[0]));
        }
        FirstLayerWeights(data, firstDelta.Span, hv);
    }

    /// <summary>Output space: g = c(π − e_y) into <c>work.D</c> and R(g) = c(diag π − ππᵀ) R(o) into <c>work.RD</c>.</summary>
    private void OutputSignals(int rows, ReadOnlySpan<double> z, ReadOnlySpan<double> ru, ReadOnlySpan<double> labels,
        ReadOnlySpan<double> rowWeights, Workspace work)
    {
        var pi = Out(z, rows, Layers - 1);
        var ro = Out(ru, rows, Layers - 1);
        var g = work.D.AsSpan(0, rows * Classes);
        var rg = work.RD.AsSpan(0, rows * Classes);
        for (int i = 0; i < rows; i++)
        {
            double c = Weight(rowWeights, i);
            int label = (int)labels[i];
            var p = pi.Slice(i * Classes, Classes);
            var r = ro.Slice(i * Classes, Classes);
            double pr = Vec.Dot(p, r);
            for (int j = 0; j < Classes; j++)
            {
                g[i * Classes + j] = c * (p[j] - (j == label ? 1.0 : 0.0));
                rg[i * Classes + j] = c * p[j] * (r[j] - pr);
            }
        }
    }

    /// <summary>
    /// m_i = V₁δ₁ + W₁R(δ₁): the input gradient W₁δ₁ differentiated along v at fixed x (R(x) = 0), by the
    /// forward and backward R passes of the HVP; the weight products of the backward pass are not needed.
    /// </summary>
    public override bool DifferentiatesInputs => true;

    public override void InputCross(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> v,
        Span<double> result)
    {
        CheckShapes(data, theta);
        if (data.IsSparse) throw new NotSupportedException("input derivatives are taken over dense rows");
        int p = Layout.Features, h = _width[0];
        using var work = new Workspace(this, false);
        using var delta = new PooledBuffer(BlockRows * h);
        using var rdelta = new PooledBuffer(BlockRows * h);
        using var unused = new PooledBuffer(Layout.Dimension);
        var y = data.Y.Span;
        for (int start = 0; start < data.Rows; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, data.Rows - start);
            var z = cache.Slice(start * CacheWidth, rows * CacheWidth);
            var ru = work.Ru.AsSpan(0, rows * CacheWidth);
            var rz = work.Rz.AsSpan(0, rows * CacheWidth);
            ForwardR(data.Slice(start, rows), rows, theta, v, z, ru, rz);
            OutputSignals(rows, z, ru, y.Slice(start, rows), [], work);
            var d = delta.Span[..(rows * h)];
            var rd = rdelta.Span[..(rows * h)];
            BackwardR(rows, theta, v, z, ru, rz, work, unused.Span, rd, d);
            var m = result.Slice(start * p, rows * p);
            Gemm.Multiply(false, true, rows, p, h, d, h, W(v, 0), h, m, p, accumulate: false);
            Gemm.Multiply(false, true, rows, p, h, rd, h, W(theta, 0), h, m, p, accumulate: true);
        }
    }

    /// <summary>
    /// Adds Xᵀ·Δ to the first layer's weights in <paramref name="target"/>: one product over the whole
    /// shard rather than one a block, because it is the largest of all and runs fastest with a long k.
    /// </summary>
    private void FirstLayerWeights(DataBlock data, ReadOnlySpan<double> delta, Span<double> target) =>
        data.AddTransposedProduct(delta, _width[0], W(target, 0));

    /// <summary>∇ℓ_i·v = (π_i − e_{y_i})ᵀ R(o_i): ℓ_i reaches θ only through the outputs, so one forward R pass gives every row.</summary>
    public override void RowGradientDot(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache, ReadOnlySpan<double> v,
        Span<double> result)
    {
        using var work = new Workspace(this, false);
        var y = data.Y.Span;
        for (int start = 0; start < data.Rows; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, data.Rows - start);
            var x = data.Slice(start, rows);
            var z = cache.Slice(start * CacheWidth, rows * CacheWidth);
            var ru = work.Ru.AsSpan(0, rows * CacheWidth);
            ForwardR(x, rows, theta, v, z, ru, work.Rz.AsSpan(0, rows * CacheWidth));
            var pi = Out(z, rows, Layers - 1);
            var ro = Out(ru, rows, Layers - 1);
            for (int i = 0; i < rows; i++)
            {
                double s = Vec.Dot(pi.Slice(i * Classes, Classes), ro.Slice(i * Classes, Classes));
                result[start + i] = s - ro[i * Classes + (int)y[start + i]];
            }
        }
    }

    public override void HessianDiagonal(DataBlock data, ReadOnlySpan<double> theta, ReadOnlySpan<double> cache,
        ReadOnlySpan<double> rowWeights, Span<double> diagonal) =>
        throw new NotSupportedException("mlp does not compute the Hessian's diagonal, so CG cannot be Jacobi-preconditioned: drop --jacobi");

    public override void Outputs(DataBlock data, ReadOnlySpan<double> theta, Span<double> outputs)
    {
        CheckShapes(data, theta);
        using var work = new Workspace(this, true);
        for (int start = 0; start < data.Rows; start += BlockRows)
        {
            int rows = Math.Min(BlockRows, data.Rows - start);
            var z = work.Outputs.AsSpan(0, rows * CacheWidth);
            Forward(data.Slice(start, rows), rows, theta, z, [], []);
            Out(z, rows, Layers - 1).CopyTo(outputs.Slice(start * Classes, rows * Classes)); // probabilities: same argmax as the scores
        }
    }

    /// <summary>Layer l's outputs for a block of <paramref name="rows"/> rows inside a block's cache.</summary>
    private Span<double> Out(Span<double> block, int rows, int l) => block.Slice(rows * _prefix[l], rows * _width[l]);

    private ReadOnlySpan<double> Out(ReadOnlySpan<double> block, int rows, int l) => block.Slice(rows * _prefix[l], rows * _width[l]);


    private ReadOnlySpan<double> W(ReadOnlySpan<double> theta, int l) => theta.Slice(Layout.Weights[l].Offset, Layout.Weights[l].Count);

    private ReadOnlySpan<double> B(ReadOnlySpan<double> theta, int l) => theta.Slice(Layout.Biases[l].Offset, Layout.Biases[l].Count);

    private Span<double> W(Span<double> theta, int l) => theta.Slice(Layout.Weights[l].Offset, Layout.Weights[l].Count);

    private Span<double> B(Span<double> theta, int l) => theta.Slice(Layout.Biases[l].Offset, Layout.Biases[l].Count);

    /// <summary>
    /// out = in·W (+ out when accumulating): the one product shape of the forward passes, whose input is
    /// the rows themselves for the first layer (dense or sparse) and the previous layer's outputs after.
    /// </summary>
    private void Product(DataBlock x, ReadOnlySpan<double> block, int rows, int l, ReadOnlySpan<double> weights, Span<double> output, bool accumulate)
    {
        if (l == 0) x.Multiply(weights, _width[0], output, accumulate);
        else Gemm.Multiply(false, false, rows, _width[l], _inputs[l], Out(block, rows, l - 1), _inputs[l], weights, _width[l], output, _width[l], accumulate);
    }

    /// <summary>Adds a bias to every row (the output layer's has C − 1 entries: the last class's is pinned at 0).</summary>
    private static void AddBias(Span<double> output, int rows, int width, ReadOnlySpan<double> bias)
    {
        for (int i = 0; i < rows; i++) Vec.Add(bias, output.Slice(i * width, bias.Length));
    }

    /// <summary>Σ over rows of a block, added to a bias gradient.</summary>
    private static void AddColumnSums(ReadOnlySpan<double> m, int rows, int width, Span<double> target)
    {
        for (int i = 0; i < rows; i++) Vec.Add(m.Slice(i * width, target.Length), target);
    }

    /// <summary>
    /// Hidden outputs z_l = a(W_lᵀ z_{l−1} + b_l) and probabilities π into a block's cache; with labels,
    /// each row's −log π_y, taken from the scores (log-sum-exp) so that it stays finite when π_y underflows.
    /// </summary>
    private void Forward(DataBlock x, int rows, ReadOnlySpan<double> theta, Span<double> block,
        ReadOnlySpan<double> labels, Span<double> rowLoss)
    {
        for (int l = 0; l < Layers; l++)
        {
            var output = Out(block, rows, l);
            Product(x, block, rows, l, W(theta, l), output, accumulate: false);
            AddBias(output, rows, _width[l], B(theta, l));
            if (l < Layers - 1) Activation.Apply(output);
            else
                for (int i = 0; i < rows; i++)
                {
                    var scores = output.Slice(i * Classes, Classes);
                    double shifted = labels.IsEmpty ? 0.0 : scores[(int)labels[i]];
                    double logSumExp = Softmax(scores);
                    if (!labels.IsEmpty) rowLoss[i] = logSumExp - shifted;
                }
        }
    }

    /// <summary>
    /// Backpropagates g = ∂(Σ c ℓ)/∂o (in <c>work.D</c>) and adds the gradient to <paramref name="grad"/>:
    /// ∇W_l += z_{l−1}ᵀ δ_l, ∇b_l += Σ δ_l, δ_{l−1} = (δ_l W_lᵀ) ⊙ a'(z_{l−1}).
    /// </summary>
    private void Backward(int rows, ReadOnlySpan<double> theta, ReadOnlySpan<double> block,
        Workspace work, Span<double> grad, Span<double> firstDelta)
    {
        var delta = work.D;
        var next = work.Dnext;
        for (int l = Layers - 1; l >= 0; l--)
        {
            var d = delta.AsSpan(0, rows * _width[l]);
            AddColumnSums(d, rows, _width[l], B(grad, l));
            if (l == 0)
            {
                d.CopyTo(firstDelta); // xᵀδ₁ is taken once for the shard (FirstLayerWeights)
                break;
            }
            Gemm.Multiply(true, false, _inputs[l], _width[l], rows, Out(block, rows, l - 1), _inputs[l], d, _width[l],
                W(grad, l), _width[l], accumulate: true);
            var below = next.AsSpan(0, rows * _inputs[l]);
            Gemm.Multiply(false, true, rows, _inputs[l], _width[l], d, _width[l], W(theta, l), _width[l], below, _inputs[l], accumulate: false);
            var zBelow = Out(block, rows, l - 1);
            for (int k = 0; k < below.Length; k++) below[k] *= Activation.First(zBelow[k]);
            (delta, next) = (next, delta);
        }
    }

    /// <summary>
    /// Directional derivatives along v of every layer's pre-activation u_l (into <paramref name="ru"/>)
    /// and output z_l (into <paramref name="rz"/>): R(u_l) = R(z_{l−1}) W_l + z_{l−1} V_l + V_b,
    /// R(z_l) = a'(u_l) ⊙ R(u_l), with R(z₀) = R(x) = 0. The last layer's R(o) is in ru.
    /// </summary>
    private void ForwardR(DataBlock x, int rows, ReadOnlySpan<double> theta, ReadOnlySpan<double> v,
        ReadOnlySpan<double> block, Span<double> ru, Span<double> rz)
    {
        for (int l = 0; l < Layers; l++)
        {
            var r = Out(ru, rows, l);
            Product(x, block, rows, l, W(v, l), r, accumulate: false);
            if (l > 0) Gemm.Multiply(false, false, rows, _width[l], _inputs[l], Out(rz, rows, l - 1), _inputs[l], W(theta, l), _width[l], r, _width[l], accumulate: true);
            AddBias(r, rows, _width[l], B(v, l));
            if (l == Layers - 1) break;
            var z = Out(block, rows, l);
            var rzl = Out(rz, rows, l);
            for (int k = 0; k < r.Length; k++) rzl[k] = Activation.First(z[k]) * r[k];
        }
    }

    /// <summary>
    /// The R-operator of <see cref="Backward"/>: with δ and R(δ) of the output layer in <c>work.D</c> and
    /// <c>work.RD</c>, adds R(∇W_l) = R(z_{l−1})ᵀ δ_l + z_{l−1}ᵀ R(δ_l) and R(∇b_l) = Σ R(δ_l) to
    /// <paramref name="hv"/>, going down with R(δ_{l−1}) = (R(δ_l) W_lᵀ + δ_l V_lᵀ) ⊙ a' + (δ_l W_lᵀ) ⊙ a'' ⊙ R(u_{l−1}).
    /// </summary>
    private void BackwardR(int rows, ReadOnlySpan<double> theta, ReadOnlySpan<double> v,
        ReadOnlySpan<double> block, ReadOnlySpan<double> ru, ReadOnlySpan<double> rz, Workspace work, Span<double> hv,
        Span<double> firstDelta, Span<double> firstPlainDelta = default)
    {
        var (delta, rdelta, next, rnext) = (work.D, work.RD, work.Dnext, work.RDnext);
        for (int l = Layers - 1; l >= 0; l--)
        {
            var d = delta.AsSpan(0, rows * _width[l]);
            var rd = rdelta.AsSpan(0, rows * _width[l]);
            AddColumnSums(rd, rows, _width[l], B(hv, l));
            if (l == 0)
            {
                rd.CopyTo(firstDelta); // R(z₀) = R(x) = 0: only xᵀR(δ₁), taken once for the shard
                if (!firstPlainDelta.IsEmpty) d.CopyTo(firstPlainDelta);
                break;
            }
            Gemm.Multiply(true, false, _inputs[l], _width[l], rows, Out(block, rows, l - 1), _inputs[l], rd, _width[l], W(hv, l), _width[l], accumulate: true);
            Gemm.Multiply(true, false, _inputs[l], _width[l], rows, Out(rz, rows, l - 1), _inputs[l], d, _width[l], W(hv, l), _width[l], accumulate: true);

            int below = _inputs[l];
            var back = next.AsSpan(0, rows * below);   // δ_l W_lᵀ
            var rback = rnext.AsSpan(0, rows * below); // R(δ_l) W_lᵀ + δ_l V_lᵀ
            Gemm.Multiply(false, true, rows, below, _width[l], d, _width[l], W(theta, l), _width[l], back, below, accumulate: false);
            Gemm.Multiply(false, true, rows, below, _width[l], rd, _width[l], W(theta, l), _width[l], rback, below, accumulate: false);
            Gemm.Multiply(false, true, rows, below, _width[l], d, _width[l], W(v, l), _width[l], rback, below, accumulate: true);
            var z = Out(block, rows, l - 1);
            var r = Out(ru, rows, l - 1);
            for (int k = 0; k < back.Length; k++)
            {
                double first = Activation.First(z[k]);
                rback[k] = rback[k] * first + back[k] * Activation.Second(z[k]) * r[k];
                back[k] *= first;
            }
            (delta, next) = (next, delta);
            (rdelta, rnext) = (rnext, rdelta);
        }
    }

    /// <summary>Scores to probabilities in place, shifted by the maximum so that no exponential overflows; returns log Σ e^z.</summary>
    private static double Softmax(Span<double> z)
    {
        double max = double.NegativeInfinity;
        foreach (var s in z) max = Math.Max(max, s);
        double sum = 0;
        for (int j = 0; j < z.Length; j++)
        {
            z[j] = Math.Exp(z[j] - max);
            sum += z[j];
        }
        for (int j = 0; j < z.Length; j++) z[j] /= sum;
        return max + Math.Log(sum);
    }

    /// <summary>A pooled buffer of exactly the asked length.</summary>
    private readonly struct PooledBuffer(int length) : IDisposable
    {
        private readonly double[] _array = ArrayPool<double>.Shared.Rent(length);

        public Span<double> Span => _array.AsSpan(0, length);

        public void Dispose() => ArrayPool<double>.Shared.Return(_array);
    }

    /// <summary>Pooled temporaries for one block of rows: outputs (when there is no cache), R-pass values and the backward signals.</summary>
    private sealed class Workspace : IDisposable
    {
        private readonly List<double[]> _rented = [];

        public Workspace(MlpModel model, bool needOutputs)
        {
            int wide = Math.Max(model._width.Max(), model._inputs.Skip(1).DefaultIfEmpty(1).Max());
            Outputs = needOutputs ? Rent(BlockRows * model.CacheWidth) : [];
            Ru = Rent(BlockRows * model.CacheWidth);
            Rz = Rent(BlockRows * model.CacheWidth);
            D = Rent(BlockRows * wide);
            Dnext = Rent(BlockRows * wide);
            RD = Rent(BlockRows * wide);
            RDnext = Rent(BlockRows * wide);
            RowLoss = Rent(BlockRows);
        }

        public double[] RowLoss { get; }

        public double[] Outputs { get; }
        public double[] Ru { get; }
        public double[] Rz { get; }
        public double[] D { get; }
        public double[] Dnext { get; }
        public double[] RD { get; }
        public double[] RDnext { get; }

        private double[] Rent(int length)
        {
            var a = ArrayPool<double>.Shared.Rent(length);
            _rented.Add(a);
            return a;
        }

        public void Dispose()
        {
            foreach (var a in _rented) ArrayPool<double>.Shared.Return(a);
        }
    }
}
