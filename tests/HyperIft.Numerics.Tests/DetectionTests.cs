using HyperIft.Numerics.Cleaning;

namespace HyperIft.Numerics.Tests;

/// <summary>Precision, recall and AUC of clean's suspects against hand-counted cases (SPEC §9).</summary>
public class DetectionTests
{
    [Fact]
    public void Counts_suspects_below_the_threshold_and_scores_them_against_the_truth()
    {
        double[] weights = [0.1, 1.2, 0.4, 0.9, 0.2, 1.5];
        var corrupted = new HashSet<int> { 0, 2, 3 };
        var d = Detection.Of(weights, corrupted, suspectBelow: 0.5);
        Assert.Equal(3, d.Suspects); // rows 0, 2, 4
        Assert.Equal(2.0 / 3, d.Precision, 15); // 0 and 2 of them corrupted
        Assert.Equal(2.0 / 3, d.Recall, 15); // 3 missed
        // Pairs (corrupted, clean) where the corrupted row weighs less: row 0 beats {1,4,5}: 3; row 2 beats {1,5}: 2 (0.4 > 0.2);
        // row 3 beats {1,5}: 2. 7 of 9.
        Assert.Equal(7.0 / 9, d.Auc, 15);
    }

    [Fact]
    public void Ties_count_one_half_and_a_perfect_ranking_scores_one()
    {
        var corrupted = new HashSet<int> { 0 };
        Assert.Equal(0.5, Detection.AreaUnderCurve([1.0, 1.0, 1.0], corrupted), 15);
        Assert.Equal(1.0, Detection.AreaUnderCurve([0.1, 1.0, 1.9], corrupted), 15);
        Assert.Equal(0.0, Detection.AreaUnderCurve([1.95, 1.0, 0.3], corrupted), 15);
        Assert.Equal(0.75, Detection.AreaUnderCurve([1.0, 1.0, 1.9], corrupted), 15); // one tie, one win
        Assert.True(double.IsNaN(Detection.AreaUnderCurve([1.0, 1.0], new HashSet<int> { 0, 1 })));
    }

    [Fact]
    public void No_suspects_has_no_precision()
    {
        var d = Detection.Of([1.0, 1.2], new HashSet<int> { 1 }, 0.5);
        Assert.Equal(0, d.Suspects);
        Assert.True(double.IsNaN(d.Precision));
        Assert.Equal(0.0, d.Recall);
    }
}
