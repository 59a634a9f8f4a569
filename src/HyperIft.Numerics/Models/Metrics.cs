namespace HyperIft.Numerics.Models;

/// <summary>How well θ predicts a held-out set: the mean loss, and accuracy (classifiers) or RMSE (ridge).</summary>
public sealed record EvaluationMetrics(double Loss, double? Accuracy, double? Rmse, int Rows);

public static class Metrics
{
    public static EvaluationMetrics Evaluate(Model model, DataBlock data, ReadOnlySpan<double> theta)
    {
        if (data.Rows == 0) return new EvaluationMetrics(double.NaN, null, null, 0);
        double loss = model.LossGrad(data, theta, [], new double[model.Layout.Dimension], []) / data.Rows;
        int k = model.Layout.Outputs;
        var y = data.Y.Span;
        double squared = 0;
        int correct = 0;
        var outputs = new double[data.Rows * k];
        model.Outputs(data, theta, outputs);
        for (int i = 0; i < data.Rows; i++)
        {
            var z = outputs.AsSpan(i * k, k);
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
