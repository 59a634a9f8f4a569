using HyperIft.Data;
using HyperIft.Numerics.Models;

namespace HyperIft.Grains;

/// <summary>Every label valid for the model, or the first bad one reported by file and line.</summary>
public static class LabelCheck
{
    public static void Validate(Model model, Dataset data, int start = 0, int count = -1)
    {
        int end = count < 0 ? data.Rows : start + count;
        var kind = ModelKinds.Named(model.Name);
        bool zero = false, minusOne = false;
        for (int i = start; i < end; i++)
        {
            double y = data.Y[i];
            if (model.LabelError(y) is { } problem)
                throw new DataFormatException(data.LocateLabel(i), 0, $"{problem} (model {model.Name})");
            zero |= y == 0;
            minusOne |= y == -1;
            if (kind.LabelSetError(zero, minusOne) is { } mix) throw new DataFormatException(data.LocateLabel(i), 0, mix);
        }
    }
}
