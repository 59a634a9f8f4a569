using HyperIft.Numerics.Optimization;
using HyperIft.Abstractions;
using ScottPlot;

namespace HyperIft.Cli;

/// <summary>The PNG plots of a results folder, drawn with ScottPlot.</summary>
public static class Plots
{
    private const int Width = 800, Height = 500;

    /// <summary>validation_loss.png always; lambda.png: trajectories for a few λ, a histogram of the final λ for many.</summary>
    public static IReadOnlyList<string> Write(string output, IReadOnlyList<StepRecord> history, double[] finalLambda, double? finalLoss)
    {
        var written = new List<string>();
        if (history.Count == 0) return written;

        var loss = new Plot();
        var steps = history.Select(r => (double)r.Step).ToList();
        var losses = history.Select(r => r.ValidationLoss).ToList();
        if (finalLoss is { } f)
        {
            steps.Add(history.Count);
            losses.Add(f);
        }
        loss.Add.Scatter(steps.ToArray(), losses.ToArray());
        loss.Title("Validation loss g(θ*(λ)) by outer step");
        loss.XLabel("outer step");
        loss.YLabel("validation loss");
        written.Add(Save(loss, Path.Combine(output, "validation_loss.png")));

        var lambda = new Plot();
        if (history.All(r => r.Lambda is not null) && finalLambda.Length <= StepRecord.TrajectoryLimit)
        {
            var x = Enumerable.Range(0, history.Count + 1).Select(i => (double)i).ToArray();
            for (int k = 0; k < finalLambda.Length; k++)
            {
                var y = history.Select(r => r.Lambda![k]).Append(finalLambda[k]).ToArray();
                var line = lambda.Add.Scatter(x, y);
                line.LegendText = finalLambda.Length == 1 ? "λ" : $"λ[{k}]";
            }
            if (finalLambda.Length <= 8) lambda.ShowLegend();
            lambda.Title("λ by outer step");
            lambda.XLabel("outer step");
            lambda.YLabel("λ (log strength)");
        }
        else
        {
            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(Math.Clamp(finalLambda.Length / 10, 10, 60), finalLambda);
            lambda.Add.Histogram(histogram);
            lambda.Title($"Final λ: {finalLambda.Length} hyperparameters");
            lambda.XLabel("λ");
            lambda.YLabel("count");
        }
        written.Add(Save(lambda, Path.Combine(output, "lambda.png")));
        return written;
    }

    private static string Save(Plot plot, string path)
    {
        plot.SavePng(path, Width, Height);
        return path;
    }
}
