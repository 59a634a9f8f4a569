namespace HyperIft.Numerics.Models;

/// <summary>How well θ predicts a held-out set: the mean loss, and accuracy (classifiers) or RMSE (ridge).</summary>
public sealed record EvaluationMetrics(double Loss, double? Accuracy, double? Rmse, int Rows);

public static class Metrics
{
    public static EvaluationMetrics Evaluate(Model model, DataBlock data, ReadOnlySpan<double> theta)
    {
        if (data.Rows == 0) return new EvaluationMetrics(double.NaN, null, null, 0);
        double loss = model.LossGrad(data, theta, [], new double[model.Layout.Dimension], []) / data.Rows;
        var layout = model.Layout;
        int p = layout.Features, k = layout.Outputs;
        var y = data.Y.Span;
        double squared = 0;
        int correct = 0;
        Span<double> z = stackalloc double[k];
        for (int i = 0; i < data.Rows; i++)
        {
            var x = data.Row(i);
            for (int c = 0; c < k; c++)
            {
                double s = c < layout.Intercepts ? theta[layout.WeightCount + c] : 0.0;
                for (int f = 0; f < p; f++) s += x[f] * theta[f * k + c];
                z[c] = s;
            }
            switch (model)
            {
                case RidgeModel:
                    squared += (z[0] - y[i]) * (z[0] - y[i]);
                    break;
                case LogisticModel:
                    if (z[0] > 0 == y[i] > 0) correct++;
                    break;
                default:
                    int argmax = 0;
                    for (int c = 1; c < k; c++) if (z[c] > z[argmax]) argmax = c;
                    if (argmax == (int)y[i]) correct++;
                    break;
            }
        }
        return model is RidgeModel
            ? new EvaluationMetrics(loss, null, Math.Sqrt(squared / data.Rows), data.Rows)
            : new EvaluationMetrics(loss, (double)correct / data.Rows, null, data.Rows);
    }
}
